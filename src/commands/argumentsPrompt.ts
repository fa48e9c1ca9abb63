/**
 * The arguments box: asks for a call's arguments and does not close on bad ones. Each keystroke
 * gets the quick check (callArguments.ts); Enter asks Python's own parser (the harness's
 * check-args) and keeps the box open, with the text and Python's message, when it says no.
 */
import { ARGS_MESSAGES, quickArgumentsProblem } from './callArguments';

interface Subscription {
  dispose(): void;
}

/** The parts of vscode.InputBox the prompt uses (tests give it a stand-in). */
export interface ArgumentsBox {
  title: string | undefined;
  prompt: string | undefined;
  value: string;
  /** The prompt sets text; VS Code's box may hold a message with a severity. */
  validationMessage: string | { readonly message: string } | undefined;
  busy: boolean;
  ignoreFocusOut: boolean;
  onDidChangeValue(listener: (value: string) => void): Subscription;
  onDidAccept(listener: () => void): Subscription;
  onDidHide(listener: () => void): Subscription;
  show(): void;
  hide(): void;
  dispose(): void;
}

export interface ArgumentsQuestion {
  function: string;
  params: readonly string[];
  required: readonly string[];
  /** What the box starts with (the arguments given last time). */
  value: string;
  /** Why the arguments given were refused (a run that could not evaluate them): shown at once, as `problem. Fix them…`. */
  problem?: string;
  /** Python's parser: null when `args` is a call's arguments, else its problem. */
  checkWithPython(args: string): Promise<string | null>;
}

/** The arguments, or undefined when the user pressed Escape. */
export function promptArguments(box: ArgumentsBox, q: ArgumentsQuestion): Promise<string | undefined> {
  box.title = `Arguments for ${q.function}(${q.params.join(', ')})`;
  box.prompt = `A Python call's arguments, as inside ${q.function}(…), evaluated in the module — e.g. ${q.required.map((p, i) => (i === 0 ? '"bob"' : `${p}=3`)).join(', ')}`;
  box.value = q.value;
  box.ignoreFocusOut = true;
  const quick = (value: string): string | undefined => {
    if (!value.trim()) return ARGS_MESSAGES.missing(q.function, q.required);
    const problem = quickArgumentsProblem(value);
    return problem === null ? undefined : ARGS_MESSAGES.inBox(ARGS_MESSAGES.syntax(problem));
  };
  box.validationMessage = q.problem !== undefined ? ARGS_MESSAGES.inBox(q.problem) : q.value ? quick(q.value) : undefined;
  return new Promise((resolve) => {
    let accepted: string | undefined;
    const subscriptions = [
      box.onDidChangeValue((value) => (box.validationMessage = value ? quick(value) : undefined)),
      box.onDidAccept(() => {
        if (box.busy) return; // Python is answering the last Enter
        const value = box.value;
        if (!value.trim()) {
          box.validationMessage = quick(value);
          return;
        }
        box.busy = true;
        void q.checkWithPython(value).then((problem) => {
          box.busy = false;
          if (box.value !== value) return; // typed on meanwhile: the next Enter checks that
          if (problem !== null) box.validationMessage = ARGS_MESSAGES.inBox(ARGS_MESSAGES.syntax(problem));
          else {
            accepted = value;
            box.hide();
          }
        });
      }),
      box.onDidHide(() => {
        for (const s of subscriptions) s.dispose();
        box.dispose();
        resolve(accepted);
      }),
    ];
    box.show();
  });
}
