// Renders an answer's final text with the numbers that came from execution marked (provenance), and name/value lists.
import { fromComputation, numberMatches } from '../worker/protocol';

export function renderFinal(element: HTMLElement, final: string, computedText: string | null): number {
  element.replaceChildren();
  let marked = 0;
  let last = 0;
  for (const n of numberMatches(final)) {
    element.append(final.slice(last, n.index));
    if (computedText !== null && fromComputation(n.value, computedText)) {
      const mark = document.createElement('mark');
      mark.className = 'computed-number';
      mark.title = 'This number comes from executing the module';
      mark.textContent = n.text;
      element.append(mark);
      marked++;
    } else element.append(n.text);
    last = n.index + n.text.length;
  }
  element.append(final.slice(last));
  return marked;
}

/** Fills a <dl> with one term and value per entry (as text: values may be device strings or other data). */
export function fillDefinitionList(list: HTMLElement, entries: Iterable<[string, string]>, onValue?: (dd: HTMLElement, name: string) => void): void {
  list.replaceChildren();
  for (const [name, value] of entries) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    onValue?.(dd, name);
    list.append(dt, dd);
  }
}
