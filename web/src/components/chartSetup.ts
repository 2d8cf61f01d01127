// Chart.js with only the parts the portal draws (bars and lines on
// category and linear scales, tooltips, legends): named imports, so the
// bundler leaves the rest of the library out. Imported only by chart.ts's
// loadChart(), on first use: a chunk of its own.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js'

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend)

export { Chart }
