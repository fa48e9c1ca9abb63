/** The command's id (package.json contributes it): one home for the menus, the CodeLens and the panel's Run again. */
export const COMMAND = 'interleave.runConcurrently';

/** Trace Script's id (package.json contributes it with its menus). */
export const TRACE_SCRIPT_COMMAND = 'interleave.traceScript';
