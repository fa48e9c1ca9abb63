import * as assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import * as vscode from 'vscode';
import { runTrace } from '../../../src/runner/engine';
import type { Trace } from '../../../src/shared/trace';
import { api, EXTENSION_ID, interleaveTabs, until, workspaceFile } from './helpers';

suite('Interleave in VS Code (trusted workspace)', () => {
  test('is not active before a Python file is opened, and activates on one', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed');
    assert.equal(ext.isActive, false, 'no activation before a Python file (nothing runs on startup)');
    const doc = await vscode.workspace.openTextDocument(workspaceFile('threads_example.py'));
    await vscode.window.showTextDocument(doc);
    await until('activation', () => ext.isActive);
  });

  test('contributes its command, menus with when-clauses, settings and trust declaration', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('interleave.runConcurrently'));
    const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON;
    assert.deepEqual(pkg.contributes.menus['editor/context'][0], { command: 'interleave.runConcurrently', when: 'editorLangId == python && isWorkspaceTrusted', group: 'navigation@90' });
    assert.equal(pkg.contributes.menus.commandPalette[0].when, 'editorLangId == python');
    assert.equal(pkg.contributes.commands[0].enablement, 'isWorkspaceTrusted');
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    const config = vscode.workspace.getConfiguration('interleave');
    assert.equal(config.get('workers'), 2);
    assert.deepEqual(config.get('models'), ['sequential', 'thread', 'process']);
    assert.equal(config.get('timeoutSeconds'), 30);
    assert.equal(config.get('pythonPath'), '');
    assert.equal(config.get('codeLens'), true);
  });

  test('shows a "Run concurrently" CodeLens above each top-level function', async () => {
    const uri = workspaceFile('needs_args.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await until('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10);
      return l?.some((x) => x.command?.title === 'Run concurrently') ? l : undefined;
    });
    const ours = lenses.filter((l) => l.command?.command === 'interleave.runConcurrently');
    assert.deepEqual(ours.map((l) => [l.range.start.line, l.command!.arguments![1]]), [[0, 'greet']]);
  });

  test('running the command opens the panel, and the panel got the trace the engine produced', async () => {
    const uri = workspaceFile('threads_example.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(5, 8, 5, 8); // inside print_numbers
    const trace = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently');
    assert.ok(trace, 'the command returns the trace it showed');
    assert.equal(trace.target.function, 'print_numbers');
    assert.deepEqual(trace.runs.map((r) => [r.model, r.events.length]), [['sequential', 10], ['thread', 10], ['process', 10]]);
    const tab = await until('the panel tab', () => interleaveTabs()[0]);
    assert.equal(tab.label, 'Interleave: print_numbers');
    const shown = (await api()).shownTraces();
    assert.deepEqual(shown.at(-1), trace, 'the panel received exactly that trace');
    // the same engine, run directly, produces a trace of the same shape
    const direct = await runTrace({ python: trace.python.executable, file: uri.fsPath, function: 'print_numbers', models: ['sequential', 'thread', 'process'], workers: 2, timeoutSeconds: 30, spawn: childProcess.spawn });
    assert.deepEqual(direct.runs.map((r) => r.events.map((e) => [e.worker, e.text, e.line]).sort()), trace.runs.map((r) => r.events.map((e) => [e.worker, e.text, e.line]).sort()));
  });

  test('a selection runs as the body of the workers', async () => {
    const uri = workspaceFile('threads_example.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(4, 0, 6, 0); // the for loop (lines 5–6)
    const trace = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently');
    assert.ok(trace);
    assert.equal(trace.target.function, null);
    assert.deepEqual(trace.target.snippet, { startLine: 5, endLine: 6 });
    for (const run of trace.runs) assert.deepEqual(run.events.filter((e) => e.worker === 0).map((e) => [e.text, e.line]), [0, 1, 2, 3, 4].map((i) => [`Number: ${i}`, 6]));
  });

  test('the unsaved text of the editor is what runs', async () => {
    const uri = workspaceFile('io_bound.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await editor.edit((b) => b.replace(new vscode.Range(6, 0, 6, editor.document.lineAt(6).text.length), '        print(f"edited {i}")'));
    editor.selection = new vscode.Selection(5, 8, 5, 8);
    await vscode.workspace.getConfiguration('interleave').update('models', ['sequential'], vscode.ConfigurationTarget.Global);
    try {
      const trace = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently');
      assert.ok(trace);
      assert.deepEqual(trace.runs.map((r) => r.model), ['sequential'], 'the models setting is honoured');
      assert.equal(trace.runs[0].events[0].text, 'edited 0');
    } finally {
      await vscode.workspace.getConfiguration('interleave').update('models', undefined, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  test('Run again runs a recording with the settings it ran with (not the current ones); the history keeps both', async () => {
    const uri = workspaceFile('threads_example.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(5, 8, 5, 8); // inside print_numbers
    const config = () => vscode.workspace.getConfiguration('interleave');
    await config().update('models', ['sequential', 'thread'], vscode.ConfigurationTarget.Global);
    try {
      assert.ok(await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently'));
    } finally {
      await config().update('models', undefined, vscode.ConfigurationTarget.Global);
    }
    const [recorded] = await (await api()).recordings();
    assert.equal(recorded.target, 'print_numbers');
    assert.deepEqual(recorded.models, ['sequential', 'thread']);
    const again = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently', { again: recorded.key });
    assert.ok(again, 'Run again returns its trace');
    assert.equal(again.target.function, 'print_numbers');
    assert.deepEqual(again.runs.map((r) => r.model), ['sequential', 'thread'], 'the models of that time');
    const history = await (await api()).recordings();
    assert.equal(history[1].key, recorded.key, 'the new recording first, the one run again after it');
    assert.deepEqual((await api()).shownTraces().at(-1), again, 'the panel shows the new run');
    // the panel's Run ×20 (here ×3): the same recording, each model that many times
    const many = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently', { again: recorded.key, repeat: 3 });
    assert.ok(many, 'Run ×N returns its trace');
    assert.deepEqual(many.runs.map((r) => `${r.model} ${r.repetition}`), ['sequential 0', 'sequential 1', 'sequential 2', 'thread 0', 'thread 1', 'thread 2']);
    assert.deepEqual(many.orders?.map((o) => o.repetitions), [3, 3]);
  });

  test('a syntax error runs nothing and opens no new panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const uri = workspaceFile('syntax_error.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(1, 4, 1, 4);
    const trace = await vscode.commands.executeCommand<Trace | undefined>('interleave.runConcurrently');
    assert.equal(trace, undefined);
    // a panel opened ahead of the run (the webview starts while Python parses) is closed again;
    // the tab model hears of it a moment later
    for (let i = 0; i < 40 && interleaveTabs().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(interleaveTabs().map((t) => t.label), []);
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 4, 'the line of the error is revealed');
  });
});
