/**
 * One home for Interleave's defaults and limits: the VS Code command, the CLI and the runner take
 * them from here (and the runner hands the harness what it needs), and the messages that name a
 * limit are made here (the time limit's rule and timer: timeLimit.ts). package.json's configuration repeats the defaults for VS Code's settings
 * UI; a unit test keeps the two equal.
 */
import type { Model } from '../shared/trace';

/** The oldest Python the harness supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 9];
export const MIN_PYTHON_TEXT = MIN_PYTHON.join('.');

export const DEFAULTS = {
  models: ['sequential', 'thread', 'process'] as readonly Model[],
  workers: 2,
  timeoutSeconds: 30,
  /** Events recorded per worker before recording stops (a "truncated" marker; the trace stays valid). */
  maxEvents: 1_000_000,
  /** A run whose live workers have all waited on each other this long is ended as deadlocked. */
  deadlockSeconds: 2,
  /** Thread states: samples a second per thread, where /proc exists (0: off). */
  sampleHz: 1000,
  /** Runs of each model (each a run of its own in the trace, all in one harness process). */
  repeat: 1,
  /** Workers begin their body together, at a barrier after their start-up. */
  align: false,
  /** sys.setswitchinterval for the thread models, in seconds (null: Python's own, 0.005). */
  switchInterval: null as number | null,
} as const;

export const LIMITS = {
  workers: { min: 1, max: 256 },
  maxEvents: { min: 1 },
  /** 0 turns the deadlock watchdog off. */
  deadlockSeconds: { min: 0 },
  /** Recordings the panel keeps in its history, with their traces (older ones are deleted). */
  recordings: 10,
  /** Above 5 kHz the sampler's own reads cost more than a few % of a core for a handful of threads. */
  sampleHz: { min: 0, max: 5000 },
  /** A run's state spans before they are coarsened: ≈ 88 bytes each in the trace, so ≤ 2 MB. */
  stateSpans: 22_000,
  /** Enough repetitions to see the orders a schedule makes; each costs a run's time and its share of the trace. */
  repeat: { min: 1, max: 1000 },
  /** Below 1 µs CPython switches more than it runs; above 1 s a thread model is sequential. */
  switchInterval: { min: 1e-6, max: 1 },
} as const;

/** The message for a setting or option `name` whose value is out of its limits, or null. */
export function checkWorkers(n: number, name: string): string | null {
  const { min, max } = LIMITS.workers;
  return Number.isInteger(n) && n >= min && n <= max ? null : `${name} must be a whole number from ${min} to ${max}`;
}

export function checkMaxEvents(n: number, name: string): string | null {
  return Number.isInteger(n) && n >= LIMITS.maxEvents.min ? null : `${name} must be a whole number ≥ ${LIMITS.maxEvents.min}`;
}

export function checkDeadlockSeconds(n: number, name: string): string | null {
  return Number.isFinite(n) && n >= LIMITS.deadlockSeconds.min ? null : `${name} must be a number of seconds ≥ ${LIMITS.deadlockSeconds.min} (0 turns the deadlock watchdog off)`;
}

export function checkSampleHz(n: number, name: string): string | null {
  const { min, max } = LIMITS.sampleHz;
  return Number.isInteger(n) && n >= min && n <= max ? null : `${name} must be a whole number from ${min} (off) to ${max}`;
}

export function checkRepeat(n: number, name: string): string | null {
  const { min, max } = LIMITS.repeat;
  return Number.isInteger(n) && n >= min && n <= max ? null : `${name} must be a whole number from ${min} to ${max}`;
}

export function checkSwitchInterval(s: number, name: string): string | null {
  const { min, max } = LIMITS.switchInterval;
  return Number.isFinite(s) && s >= min && s <= max ? null : `${name} must be a number of seconds from ${min} to ${max} (e.g. 0.0001)`;
}

/** What to do about the interpreter, said the same way in every message. */
export function pythonHint(start: 'Set' | 'set' = 'Set'): string {
  return `${start} "interleave.pythonPath" (in the CLI: --python) to a Python ${MIN_PYTHON_TEXT}+ interpreter.`;
}
