import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, interleaveTabs, until, workspaceFile } from './helpers';

suite('Interleave in an untrusted (restricted) workspace', () => {
  test('the workspace is untrusted, the extension still activates, and the command refuses to run code', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const doc = await vscode.workspace.openTextDocument(workspaceFile('threads_example.py'));
    const editor = await vscode.window.showTextDocument(doc);
    await until('activation', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    editor.selection = new vscode.Selection(5, 8, 5, 8);
    const trace = await vscode.commands.executeCommand('interleave.runConcurrently');
    assert.equal(trace, undefined, 'nothing ran');
    assert.equal(interleaveTabs().length, 0, 'no panel');
  });

  test('Trace Script refuses to run the program there', async () => {
    const uri = workspaceFile('threads_example.py');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const trace = await vscode.commands.executeCommand('interleave.traceScript', uri);
    assert.equal(trace, undefined, 'nothing ran');
    assert.equal(interleaveTabs().length, 0, 'no panel');
  });

  test('Be the Scheduler refuses to run code there too', async () => {
    const doc = await vscode.workspace.openTextDocument(workspaceFile('threads_example.py'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(5, 8, 5, 8);
    const trace = await vscode.commands.executeCommand('interleave.beTheScheduler');
    assert.equal(trace, undefined, 'nothing ran');
    assert.equal(interleaveTabs().length, 0, 'no panel');
  });

  test('no CodeLens offers to run code there', async () => {
    const uri = workspaceFile('threads_example.py');
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    assert.equal(lenses.filter((l) => l.command?.command === 'interleave.runConcurrently').length, 0);
  });
});
