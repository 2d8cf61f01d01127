// v-focusable-table (registered in main.ts): the DataTable inside the element gets a table container
// that the keyboard can reach (tabindex 0), so a table that scrolls sideways
// on a phone can be scrolled without a mouse (axe: scrollable-region-focusable).
// A directive rather than PrimeVue's global pass-through option: with any
// global `pt` set, every PrimeVue component looks it up for each of its
// sections, and a table's cells do that several times on every render.
import type { Directive } from 'vue'

function mark(el: HTMLElement) {
  for (const c of el.querySelectorAll('.p-datatable-table-container'))
    if (c.getAttribute('tabindex') !== '0') c.setAttribute('tabindex', '0')
}

export const vFocusableTable: Directive<HTMLElement> = { mounted: mark, updated: mark }
