/** The run settings of this moment, from VS Code's settings, as Run Concurrently and Trace Script read them. */
import * as vscode from 'vscode';
import { UserError } from '../runner/errors';
import { DEFAULTS, LIMITS, checkDeadlockSeconds } from '../runner/settings';
import type { RunSettings } from '../panels/traceStore';
import { timeLimitProblem } from '../runner/timeLimit';
import { ALL_MODELS, type Model, type StartMethod } from '../shared/trace';

/** The settings of this moment, for `file` (its folder's settings). */
export function settingsOf(config: vscode.WorkspaceConfiguration, file: string): RunSettings {
  return {
    file,
    models: validModels(config.get<string[]>('models', [...DEFAULTS.models])),
    workers: clamp(Math.floor(config.get<number>('workers', DEFAULTS.workers)), LIMITS.workers.min, LIMITS.workers.max),
    timeoutSeconds: timeLimitSetting(config),
    startMethod: startMethodSetting(config.get<string>('startMethod', 'default')),
    maxEvents: Math.max(LIMITS.maxEvents.min, Math.floor(config.get<number>('maxEvents', DEFAULTS.maxEvents))),
    sampleHz: clamp(Math.floor(config.get<number>('sampleHz', DEFAULTS.sampleHz)), LIMITS.sampleHz.min, LIMITS.sampleHz.max),
    deadlockSeconds: deadlockSetting(config),
    repeat: clamp(Math.floor(config.get<number>('repeat', DEFAULTS.repeat)), LIMITS.repeat.min, LIMITS.repeat.max),
    align: config.get<boolean>('align', DEFAULTS.align) === true,
    switchInterval: switchIntervalSetting(config.get<number | null>('switchInterval', DEFAULTS.switchInterval)),
    comparePythons: compareWithSetting(config.get<unknown>('compareWith', [])),
  };
}

/** The interpreters to compare with: the non-empty strings of the setting (anything else is ignored). */
function compareWithSetting(s: unknown): string[] {
  return Array.isArray(s) ? s.filter((p): p is string => typeof p === 'string' && p.trim() !== '').map((p) => p.trim()) : [];
}

/** The thread models' switch interval: null (Python's own) unless a number of seconds, kept within its limits. */
function switchIntervalSetting(s: number | null): number | null {
  return typeof s === 'number' && Number.isFinite(s) && s > 0 ? clamp(s, LIMITS.switchInterval.min, LIMITS.switchInterval.max) : null;
}

function clamp(n: number, min: number, max: number): number {
  return Number.isFinite(n) ? Math.max(min, Math.min(max, n)) : min;
}

/** interleave.timeoutSeconds, by the CLI's rule: a bad one is said, never turned into 1 ms. */
function timeLimitSetting(config: vscode.WorkspaceConfiguration): number {
  const seconds = Number(config.get<unknown>('timeoutSeconds', DEFAULTS.timeoutSeconds));
  const problem = timeLimitProblem(seconds);
  if (problem) throw new UserError('args', `The setting interleave.timeoutSeconds ${problem}: change it in Settings.`);
  return seconds;
}

/** interleave.deadlockSeconds, by the CLI's rule: a bad one is said, not guessed at. */
function deadlockSetting(config: vscode.WorkspaceConfiguration): number {
  const seconds = Number(config.get<unknown>('deadlockSeconds', DEFAULTS.deadlockSeconds));
  const problem = checkDeadlockSeconds(seconds, 'The setting interleave.deadlockSeconds');
  if (problem) throw new UserError('args', `${problem}: change it in Settings.`);
  return seconds;
}

function startMethodSetting(value: string): StartMethod | undefined {
  return value === 'fork' || value === 'spawn' || value === 'forkserver' ? value : undefined;
}

function validModels(models: string[]): Model[] {
  const valid = models.filter((m): m is Model => (ALL_MODELS as readonly string[]).includes(m));
  return valid.length ? valid : [...DEFAULTS.models];
}
