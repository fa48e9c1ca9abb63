/**
 * The summary's lines on what a repeated variant's runs ended with (endings.ts): under its wall
 * time and orders, indented as they are.
 */
import { endingLines } from '../shared/endings';
import { entryVariant } from '../shared/repetitions';
import type { Trace } from '../shared/trace';

/** `variant`: repetitions.ts variantOf of its runs. None when the trace has no endings for it. */
export function endingsSummary(trace: Trace, variant: string): string[] {
  const endings = trace.endings?.find((e) => entryVariant(e) === variant);
  return endings ? endingLines(endings).map((line) => `           ${line}`) : [];
}
