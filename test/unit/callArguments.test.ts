import assert from 'node:assert/strict';
import { test } from 'node:test';
import { promptArguments, type ArgumentsBox } from '../../src/commands/argumentsPrompt';
import { ARGS_MESSAGES, quickArgumentsProblem } from '../../src/commands/callArguments';

test('the quick check passes what Python accepts as a call\'s arguments', () => {
  for (const ok of ['', '"bob", times=3', "'a,b', x=(1, 2)", 'f(1)[0], *xs, k={"a": [1]}, **kw', '"""a\'b"""', "r'\\d+', b'x'", '1.', '...', 'x == 1, y=a if b else c', 'key=lambda v: -v', 'f"{x}", ñ=1', '1,', 'x=1, *more', '"a"  # a note (tuple']) {
    assert.equal(quickArgumentsProblem(ok), null, ok);
  }
});

test('the quick check names the obvious mistakes, in Python\'s words where it has them', () => {
  const cases: Array<[string, RegExp]> = [
    ['"bob", times=', /^times= needs a value$/],
    ['"bob', /^unterminated string literal \(column 1\)$/],
    ['[1, 2', /^'\[' was never closed \(column 1\)$/],
    ['(1, 2]', /does not match opening parenthesis '\('/],
    ['1), print("x"', /^unmatched '\)' \(column 2\)$/],
    ['1,, 2', /missing between two commas/],
    ['x=1, 2', /^positional argument follows keyword argument$/],
    ['**kw, 2', /follows keyword argument unpacking/],
    ['1 +', /not complete/],
    ['n and', /not complete/],
  ];
  for (const [text, want] of cases) assert.match(quickArgumentsProblem(text) ?? 'null', want, text);
});

/** A stand-in for vscode.InputBox: records what the user would see, lets the test type and press keys. */
class FakeBox implements ArgumentsBox {
  title: string | undefined;
  prompt: string | undefined;
  value = '';
  validationMessage: string | { readonly message: string } | undefined;
  busy = false;
  ignoreFocusOut = false;
  visible = false;
  private readonly listeners = { change: [] as Array<(v: string) => void>, accept: [] as Array<() => void>, hide: [] as Array<() => void> };
  onDidChangeValue(l: (v: string) => void) { return this.on(this.listeners.change, l); }
  onDidAccept(l: () => void) { return this.on(this.listeners.accept, l); }
  onDidHide(l: () => void) { return this.on(this.listeners.hide, l); }
  private on<T>(list: T[], l: T) {
    list.push(l);
    return { dispose: () => list.splice(list.indexOf(l), 1) };
  }
  show() { this.visible = true; }
  hide() {
    this.visible = false;
    for (const l of [...this.listeners.hide]) l();
  }
  dispose() {}
  type(value: string) {
    this.value = value;
    for (const l of [...this.listeners.change]) l(value);
  }
  enter() { for (const l of [...this.listeners.accept]) l(); }
}

const tick = () => new Promise((r) => setImmediate(r));

test('bad arguments keep the box open with the text and a message; Python has the last word on Enter', async () => {
  const box = new FakeBox();
  const asked: string[] = [];
  const python = async (args: string) => {
    asked.push(args);
    return args.includes(',') ? null : 'invalid syntax. Perhaps you forgot a comma? (column 1)';
  };
  const answer = promptArguments(box, { function: 'greet', params: ['name', 'times'], required: ['name', 'times'], value: '', checkWithPython: python });
  assert.equal(box.title, 'Arguments for greet(name, times)');
  box.type('"bob", times=');
  assert.equal(box.validationMessage, 'Not valid Python call arguments: times= needs a value. Fix them, or press Escape to cancel.', 'at once, without Python');
  assert.deepEqual(asked, []);
  box.type('"bob" times=2');
  assert.equal(box.validationMessage, undefined, 'the quick check sees nothing wrong here');
  box.enter();
  assert.equal(box.busy, true);
  await tick();
  assert.equal(box.visible, true, 'the box stays open');
  assert.equal(box.value, '"bob" times=2', 'with what was typed');
  assert.equal(box.validationMessage, 'Not valid Python call arguments: invalid syntax. Perhaps you forgot a comma? (column 1). Fix them, or press Escape to cancel.');
  box.type('"bob", times=2');
  box.enter();
  await tick();
  assert.equal(box.visible, false);
  assert.equal(await answer, '"bob", times=2');
  assert.deepEqual(asked, ['"bob" times=2', '"bob", times=2']);
});

test('Escape answers undefined; a refused value from the last run is shown with its problem at once', async () => {
  const box = new FakeBox();
  const problem = ARGS_MESSAGES.evaluation("NameError: name 'bob' is not defined");
  const answer = promptArguments(box, { function: 'greet', params: ['name'], required: ['name'], value: 'bob', problem, checkWithPython: async () => null });
  assert.equal(box.value, 'bob');
  assert.equal(box.validationMessage, `${problem}. Fix them, or press Escape to cancel.`);
  box.enter();
  box.enter(); // a second Enter while Python answers is not a second check
  box.type('');
  box.hide();
  assert.equal(await answer, undefined);
});
