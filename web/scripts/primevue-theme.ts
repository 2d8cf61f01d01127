// Build-time PrimeVue theme: the CSS that PrimeVue's styled mode would compute
// from the Aura preset in the browser (CSS variables of every token, and each
// component's style) is computed here once, with PrimeVue's own server-side
// functions, and served as a static style sheet (virtual:primevue-theme.css,
// imported by src/main.ts). The app then runs PrimeVue with theme 'none', so
// no page spends its start resolving tokens and injecting <style> elements.
// THEMED lists the components whose style the sheet holds; the build fails
// when the bundle uses a PrimeVue component style that is not in the list, so
// a component added to the app cannot go unstyled.
import type { Plugin } from 'vite'
import { Theme } from '@primeuix/styled'
import BaseStyle from '@primevue/core/base/style'
import { AgentdeskTheme, themeOptions } from '../src/theme'

/** PrimeVue components (src/ and the ones they use inside) styled by the sheet. */
export const THEMED = [
  'badge', 'button', 'checkbox', 'column', 'confirmdialog', 'datatable', 'dialog', 'focustrap', 'iconfield', 'inputicon',
  'inputnumber', 'inputtext', 'message', 'paginator', 'progressspinner', 'radiobutton', 'ripple', 'select', 'tag', 'toast',
  'toggleswitch', 'virtualscroller',
]

// The parts of PrimeVue's BaseStyle (and of each component's style, which
// extends it) used here; its typings leave out the server-side functions.
interface ThemedStyle {
  getLayerOrderThemeCSS(): string
  getCommonThemeStyleSheet(): string
  getThemeStyleSheet(): string
}

const ID = 'virtual:primevue-theme.css'
// Theme.getCommonStyleSheet and getThemeStyleSheet return <style> elements
// (for server-side rendering): their text is the CSS.
const text = (html: string) => html.replace(/<style[^>]*>/g, '').replace(/<\/style>/g, '\n')

async function sheet(): Promise<string> {
  Theme.setTheme({ preset: AgentdeskTheme, options: themeOptions })
  const base = BaseStyle as unknown as ThemedStyle
  const parts = [base.getLayerOrderThemeCSS(), text(base.getCommonThemeStyleSheet()), text(base.getThemeStyleSheet())]
  for (const name of THEMED) {
    const style = (await import(`primevue/${name}/style`)).default as ThemedStyle
    parts.push(text(style.getThemeStyleSheet()))
  }
  return parts.join('\n')
}

export function primevueTheme(): Plugin {
  return {
    name: 'agentdesk-primevue-theme',
    resolveId: (id) => (id === ID ? `\0${ID}` : null),
    load: (id) => (id === `\0${ID}` ? sheet() : null),
    generateBundle() {
      const missing = new Set<string>()
      for (const id of this.getModuleIds()) {
        const m = /\/primevue\/([a-z]+)\/style\/index\.mjs$/.exec(id)
        if (m && !THEMED.includes(m[1])) missing.add(m[1])
      }
      if (missing.size) this.error(`PrimeVue component style not in scripts/primevue-theme.ts THEMED: ${[...missing].join(', ')}`)
    },
  }
}
