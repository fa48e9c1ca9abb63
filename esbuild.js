// One build for the extension, the CLI and the webview. `--watch` rebuilds on change; `--production` minifies.
const esbuild = require('esbuild');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Problem-matcher-friendly log lines (as in vscode-extension-samples/esbuild-sample). */
const logPlugin = {
  name: 'log',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

const common = { bundle: true, minify: production, sourcemap: !production, logLevel: 'silent', plugins: [logPlugin] };

const builds = [
  { ...common, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node18', external: ['vscode'] },
  { ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node18', banner: { js: '#!/usr/bin/env node' } },
  // the state sampler's worker_thread: a file of its own, beside the bundles that start it
  { ...common, entryPoints: ['src/runner/states/samplerThread.ts'], outfile: 'dist/samplerThread.js', platform: 'node', format: 'cjs', target: 'node18' },
  { ...common, entryPoints: ['webview-ui/src/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022', sourcemap: false },
];

async function main() {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  if (watch) {
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  let failed = false;
  for (const c of contexts) {
    const result = await c.rebuild().catch((e) => ({ errors: e.errors ?? [e] }));
    if (result.errors.length) failed = true;
    await c.dispose();
  }
  if (failed) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
