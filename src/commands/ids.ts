/** The command's id (package.json contributes it): one home for the menus, the CodeLens and the panel's Run again. */
export const COMMAND = 'interleave.runConcurrently';
/** Be the Scheduler…: run once, pick an order of the lines, run it forced (package.json contributes it too). */
export const SCHEDULER_COMMAND = 'interleave.beTheScheduler';

/** Trace Script's id (package.json contributes it with its menus). */
export const TRACE_SCRIPT_COMMAND = 'interleave.traceScript';

/** Compare with Trace…: the shown trace's orders beside another's (package.json contributes it; the panel's Compare… runs it). */
export const COMPARE_COMMAND = 'interleave.compareWithTrace';
