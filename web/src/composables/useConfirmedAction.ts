// A write the portal asks about first, the same on every page: a dialog
// says what will happen, "yes" runs the write, a toast says it was done
// (or why not, in the API's words), and the page then reloads what it shows.
import { useConfirm } from 'primevue/useconfirm'
import { useToast } from 'primevue/usetoast'
import { errorMessage } from '../api/client'

export interface ConfirmedAction {
  header: string
  message: string
  /** The accepting button's label ("Revoke token"). */
  accept: string
  /** A red button: it removes or cuts something off. */
  danger?: boolean
  run: () => Promise<unknown>
  /** The success toast ("Token #3 revoked"). */
  done: string
  /** After a success (the page's load()). */
  then?: () => void
}

export function useConfirmedAction(): (a: ConfirmedAction) => void {
  const confirm = useConfirm()
  const toast = useToast()
  return (a) => confirm.require({
    header: a.header,
    message: a.message,
    acceptProps: { label: a.accept, severity: a.danger ? 'danger' : undefined },
    rejectProps: { label: 'Cancel', severity: 'secondary', text: true },
    accept: async () => {
      try {
        await a.run()
        toast.add({ severity: 'success', summary: a.done, life: 4000 })
        a.then?.()
      } catch (e) {
        toast.add({ severity: 'error', summary: 'Not done', detail: errorMessage(e), life: 8000 })
      }
    },
  })
}
