// PrimeVue's Aura theme with darker primary and danger colours: Aura's
// emerald-500 and red-500 under white text fail WCAG AA contrast (axe), and
// so do the info message's blue-600 on blue-50 and the warn message's
// yellow-600 on yellow-50.
import { definePreset } from '@primeuix/themes'
import Aura from '@primeuix/themes/aura'

export const AgentdeskTheme = definePreset(Aura, {
  semantic: {
    primary: {
      50: '{blue.50}', 100: '{blue.100}', 200: '{blue.200}', 300: '{blue.300}', 400: '{blue.400}',
      500: '{blue.700}', 600: '{blue.800}', 700: '{blue.900}', 800: '{blue.900}', 900: '{blue.950}', 950: '{blue.950}',
    },
  },
  components: {
    button: {
      colorScheme: {
        light: {
          root: {
            danger: {
              background: '{red.700}', hoverBackground: '{red.800}', activeBackground: '{red.900}',
              borderColor: '{red.700}', hoverBorderColor: '{red.800}', activeBorderColor: '{red.900}',
            },
          },
          text: { danger: { color: '{red.700}' }, secondary: { color: '{surface.700}' } },
        },
      },
    },
    message: { colorScheme: { light: { info: { color: '{blue.800}' }, warn: { color: '{yellow.800}' } } } },
  },
})
