// Shared by the app specs: the test modules, settings preset before the app starts, opening the app.
import { expect, type Page } from '@playwright/test';

export const MODULE_391 = `(module
  (import "rt" "memory" (memory 1))
  (import "rt" "print_i64" (func $print_i64 (param i64)))
  (func (export "main")
    (call $print_i64 (i64.mul (i64.const 17) (i64.const 23)))))`;

export const ENDLESS = `(module
  (func (export "main")
    (loop $forever (br $forever))))`;

/** A finished turn with a module, as the app stores it (the tiny test model writes random text, never a module). */
export const TURN_1_MODULE = '(module (func (export "main") (call $print_i64 (call $int_mul (i64.const 17) (i64.const 23)))))';
export const TURN_1 = `<think>Multiply 17 by 23.</think>\n<wat_model>\n${TURN_1_MODULE}\n</wat_model>\n<computed>391</computed>\n17 times 23 is 391.`;

/** A stored chat of one question and TURN_1, there when the app starts (once per test). */
export async function presetChat(page: Page) {
  await page.addInitScript((turn) => {
    if (location.protocol.startsWith('http') && !sessionStorage.getItem('chat-preset')) {
      localStorage.setItem('worldmodel.chat', JSON.stringify({ turns: [{ role: 'user', content: 'What is 17 times 23?' }, { role: 'assistant', content: turn, reason: 'eos' }] }));
      sessionStorage.setItem('chat-preset', '1');
    }
  }, TURN_1);
}

/** Settings stored before the app starts (the app reads them from localStorage). */
export async function presetSettings(page: Page, settings: Record<string, unknown>) {
  await page.addInitScript((s) => {
    if (!location.protocol.startsWith('http')) return; // about:blank has no storage
    if (!sessionStorage.getItem('settings-preset')) {
      localStorage.setItem('worldmodel.settings', JSON.stringify(s));
      sessionStorage.setItem('settings-preset', '1');
    }
  }, settings);
}

/** Firefox ESR hung once in four offline runs with two ORT threads (shared/notes/measured.md): use one there. */
export function threadsFor(browserName: string) {
  return browserName === 'firefox' ? 1 : 2;
}

export async function openApp(page: Page, browserName: string, query = '') {
  await page.goto(`/?threads=${threadsFor(browserName)}${query}`);
  await expect(page.locator('#loader')).toHaveAttribute('data-state', 'ready', { timeout: 90_000 });
}

export async function openSolverEditor(page: Page) {
  await page.getByRole('tab', { name: 'Math solver' }).click();
  await page.locator('#solver-edit summary').click();
}

