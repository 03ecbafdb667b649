// Hostile bundles and modules in the browser (issue 14): the inference worker refuses every manifest and
// shard of tests/hostile/bundles.py that a web client can meet (e2e/make_hostile_bundles.py writes them
// under /bundle/hostile/), and the sandbox refuses modules too costly to compile, each with a clear message.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';

interface Refusal {
  name: string;
  loaded: boolean;
  code: string | null;
  message: string;
}

async function loadEach(page: import('@playwright/test').Page, names: string[]): Promise<Refusal[]> {
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  return page.evaluate(async (names) => {
    const { WorldModel } = (window as unknown as { worldmodel: { WorldModel: { load(url: string): Promise<{ dispose?(): void }> } } }).worldmodel;
    const out = [];
    for (const name of names) {
      try {
        await WorldModel.load(`/bundle/hostile/${name}/manifest.json`);
        out.push({ name, loaded: true, code: null, message: '' });
      } catch (e) {
        out.push({ name, loaded: false, code: (e as { code?: string }).code ?? null, message: (e as Error).message });
      }
    }
    return out;
  }, names);
}

test('the worker refuses every hostile manifest and shard with a named manifest error', async ({ page }) => {
  test.setTimeout(300_000);
  const { cases }: { cases: string[] } = JSON.parse(readFileSync('build/e2e/bundle/hostile/index.json', 'utf-8'));
  expect(cases.length).toBeGreaterThan(25);
  const refusals = await loadEach(page, cases);
  const accepted = refusals.filter((r) => r.loaded || r.code !== 'manifest').map((r) => `${r.name}: ${r.code} ${r.message}`);
  console.log(`hostile bundles: ${refusals.length - accepted.length}/${refusals.length} refused as manifest errors`);
  expect(accepted, accepted.join('\n')).toEqual([]);
  const templates = refusals.filter((r) => r.name.startsWith('template-'));
  expect(templates.length).toBe(2);
  // The endless loop hits the clock; `'x' * 99999` is not even an operator in @huggingface/jinja.
  for (const r of templates) expect(r.message).toMatch(/chat template: (rendering took longer than 2 s|failed: Unknown operator "\*")/);
});

test('a traversal manifest is refused before anything is fetched', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  const [refusal] = await loadEach(page, ['traversal-path']);
  expect(refusal.message).toMatch(/file path "\.\.\/\.\.\/outside\.json" must be relative.*stay inside the bundle/);
  expect(requested.filter((path) => path.includes('outside'))).toEqual([]);
});

test('a Brotli bomb shard stops at the size the manifest declares', async ({ page }) => {
  const [refusal] = await loadEach(page, ['brotli-bomb']);
  expect(refusal.code).toBe('manifest');
  expect(refusal.message).toContain('onnx/model.onnx_data.br decompresses to more than the 1048576 bytes the manifest declares');
});

test('the sandbox refuses a module too costly to compile and an oversized one', async ({ page }) => {
  // 10,000 locals live across 10,000 block/br_if joins: Cranelift needed 16 s and 2.75 GB for it.
  const locals = 10_000;
  const sets = Array.from({ length: locals }, (_, i) => `(local.set ${i} (i64.const ${i}))`).join(' ');
  const joins = Array.from({ length: locals }, (_, i) => `(block (br_if 0 (i32.const ${i % 2})) (local.set ${i} (i64.const ${i})))`).join(' ');
  const uses = '(i64.const 0) ' + Array.from({ length: locals }, (_, i) => `(local.get ${i}) (i64.add)`).join(' ') + ' (drop)';
  const costly = `(module (func (export "main") (local${' i64'.repeat(locals)}) ${sets} ${joins} ${uses}))`;
  const oversized = '(module (func (export "main")))' + ' '.repeat(3 << 20);
  await page.goto('/?threads=1');
  await page.waitForFunction(() => 'worldmodel' in window);
  const results = await page.evaluate(
    async ([costly, oversized]) => {
      const { Sandbox } = (window as unknown as { worldmodel: { Sandbox: new () => { run(wat: string): Promise<{ ok: boolean; errorKind: string | null; errorMessage: string | null }> } } }).worldmodel;
      const sandbox = new Sandbox();
      const out = [];
      for (const wat of [costly, oversized, '(module (func (export "main") (result i64) (i64.const 42)))'])
        out.push(await sandbox.run(wat));
      return out;
    },
    [costly, oversized],
  );
  expect(results[0].errorKind).toBe('module_too_large');
  expect(results[0].errorMessage).toMatch(/a function has \d+ locals × blocks; the limit is 1000000/);
  expect(results[1].errorKind).toBe('module_too_large');
  expect(results[1].errorMessage).toMatch(/module is \d+ bytes; the limit is 2097152/);
  expect(results[2].ok).toBe(true); // and a healthy module runs afterwards
});
