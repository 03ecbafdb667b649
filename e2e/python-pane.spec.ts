// The Python pane: Pyodide served and cached by the app, the converter inside it, both runs side by side.
import { expect, test, type Page } from '@playwright/test';
import { openApp, presetSettings } from './app-helpers';

/** Pyodide starts in tens of seconds on this shared two-core machine (far less on a desktop). */
const PYTHON_READY_MS = 300_000;

const INTEGERS = `a = 12345678
b = 987654
print(a * b, a // b, a % b, -a // 7, 2 ** 40)
x, y = a, b
while y:
    x, y = y, x % y
print("gcd", x)
`;
const WITH_CLASS = `total = 0
for i in range(3):
    total += i
class Point:
    pass
print(total)
`;
const ENDLESS = `n = 0
while True:
    n += 1
`;

const fragment = (source: string) => `#python=${Buffer.from(source, 'utf8').toString('base64url')}`;

async function setProgram(page: Page, source: string) {
  await page.evaluate((hash) => (location.hash = hash), fragment(source));
  await expect.poll(() => page.evaluate(() => document.querySelector('#py-editor .cm-content')?.textContent)).toBe(source.replace(/\n/g, ''));
}

async function runAndExpectIdentical(page: Page, expected: string) {
  await page.locator('#py-run').click();
  await expect(page.locator('#py-verdict')).toHaveAttribute('data-verdict', 'identical', { timeout: 120_000 });
  await expect(page.locator('#py-out-python')).toContainText(expected);
  const python = await page.locator('#py-out-python').textContent();
  expect(await page.locator('#py-out-wasm').textContent()).toBe(python);
  await expect(page.locator('#py-wat-linked')).toContainText('(module');
  await expect(page.locator('#py-linked-size')).toContainText('KB');
}

test('after a first visit the pane works offline: three programs agree, a class is refused at its line, an endless loop is stopped', async ({ page, context, browserName }) => {
  test.setTimeout(900_000);
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 8, timeoutMs: 60_000 });
  await openApp(page, browserName);
  await page.waitForFunction(async () => {
    await navigator.serviceWorker.ready;
    return navigator.serviceWorker.controller !== null;
  }, null, { timeout: 60_000 });
  // The first visit never opened the pane: its files were cached after the model had loaded.
  await expect(page.locator('html')).toHaveAttribute('data-python-offline', 'ready', { timeout: 180_000 });
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#network-state')).toHaveText('offline');

  await page.getByRole('tab', { name: 'Python' }).click();
  await expect(page.locator('#mode-python')).toHaveAttribute('data-python', 'ready', { timeout: PYTHON_READY_MS });
  await expect(page.locator('#py-status')).toContainText('Pyodide 314');

  // Integers (a share link's program), floats with f-strings, lists and loops (the examples).
  await setProgram(page, INTEGERS);
  await runAndExpectIdentical(page, '12193258259412 12 493830 -1763669 1099511627776\ngcd 6');
  await page.locator('#py-example').selectOption({ label: 'Compound interest' });
  await runAndExpectIdentical(page, 'After 6 years: $3,273.26 (interest $773.26)');
  await page.locator('#py-example').selectOption({ label: 'Primes' });
  await runAndExpectIdentical(page, '25 primes, sum 1060');
  await expect(page.locator('#py-convert-info')).toContainText('Converted in Pyodide');

  // An unsupported construct: the converter's message, marked at its line in the editor.
  await setProgram(page, WITH_CLASS);
  await page.locator('#py-convert').click();
  await expect(page.locator('#py-error')).toHaveAttribute('data-line', '4', { timeout: 60_000 });
  await expect(page.locator('#py-error')).toContainText("ClassDef");
  await expect(page.locator('#py-editor .cm-line').nth(3).locator('.cm-lintRange-error')).toHaveCount(1);
  await expect(page.locator('#py-editor .cm-lint-marker-error')).toHaveCount(1);

  // An endless program: Stop ends both runs, Python restarts, and the pane keeps working.
  await setProgram(page, ENDLESS);
  await page.locator('#py-run').click();
  await expect(page.locator('#py-out-python')).toHaveText('running…', { timeout: 60_000 });
  await page.locator('#py-stop').click();
  await expect(page.locator('#py-out-python')).toContainText('stopped', { timeout: 30_000 });
  await expect(page.locator('#py-verdict')).toHaveAttribute('data-verdict', 'stopped');
  await expect(page.locator('#mode-python')).toHaveAttribute('data-python', 'ready', { timeout: PYTHON_READY_MS });
  await page.locator('#py-example').selectOption({ label: 'Projectile' });
  await runAndExpectIdentical(page, 'range: 38.32 m');
  await context.setOffline(false);
});

test('a share link opens the pane with its program, and the module goes to the solver as the model\'s program', async ({ page, browserName }) => {
  test.setTimeout(600_000);
  await presetSettings(page, { temperature: 1, topP: 1, maxTokens: 8, timeoutMs: 60_000 });
  await openApp(page, browserName, fragment(INTEGERS));
  await expect(page.getByRole('tab', { name: 'Python' })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => page.evaluate(() => document.querySelector('#py-editor .cm-content')?.textContent)).toBe(INTEGERS.replace(/\n/g, ''));
  await expect(page.locator('#mode-python')).toHaveAttribute('data-python', 'ready', { timeout: PYTHON_READY_MS });

  await page.locator('#py-share').click();
  const link = await page.locator('#py-share-link').inputValue();
  expect(new URL(link).hash).toBe(fragment(INTEGERS));

  await page.locator('#py-use').click();
  await expect(page.getByRole('tab', { name: 'Math solver' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('#solver-wat-input')).toHaveValue(/^\(module/);
  // The solver runs the module in its sandbox and the (tiny, random) model continues from the computed value.
  await expect(page.locator('#solver-computed')).toHaveText('12193258259412 12 493830 -1763669 1099511627776\ngcd 6', { timeout: 60_000 });
  await expect(page.locator('#solver-provenance')).toContainText('your module');
});
