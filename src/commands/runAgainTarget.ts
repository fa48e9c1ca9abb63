/**
 * The panel's Run again and Run ×N as the command receives them (`{ again: key, repeat?: n }`),
 * and the settings such a run uses. No `vscode` here: unit-tested as it is.
 */
import type { RunSettings } from '../panels/traceStore';
import { checkRepeat } from '../runner/settings';

export interface AgainTarget {
  /** The stored recording to run again. */
  again: string;
  /** Run each model this many times instead of the recording's own repeat. */
  repeat?: number;
}

/** `{ again: key }` or `{ again: key, repeat: n }` from the command's first argument; undefined for anything else. A bad `repeat` is dropped. */
export function againTargetOf(first: unknown): AgainTarget | undefined {
  const { again, repeat } = (first ?? {}) as { again?: unknown; repeat?: unknown };
  if (typeof again !== 'string') return undefined;
  return typeof repeat === 'number' && checkRepeat(repeat, 'repeat') === null ? { again, repeat } : { again };
}

/** A recording's settings to run it again: as they were, or with each model run `repeat` times (kept in the new recording, so its Run again repeats as often). */
export function settingsAgain(settings: RunSettings, repeat?: number): RunSettings {
  return repeat === undefined ? settings : { ...settings, repeat };
}
