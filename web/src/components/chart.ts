// Chart.js, loaded on first use (chartSetup.ts, its own chunk: the
// dashboard's code does not wait for it). Colours are the
// theme's variables, read from the page, never hex in the code.
import type { Chart as ChartType } from 'chart.js'

let loaded: Promise<typeof ChartType> | null = null

export function loadChart(): Promise<typeof ChartType> {
  loaded ??= import('./chartSetup').then((c) => c.Chart)
  return loaded
}

/** A theme variable's value (`--p-blue-600`), for the canvas, which cannot read CSS. */
export function themeColor(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || 'gray'
}
