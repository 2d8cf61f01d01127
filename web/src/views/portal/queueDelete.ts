// "Delete queue", the same from the list and from the queue's page: asks
// first (saying where its waiting callers go), and explains queue_in_use
// (an inbound number or another queue's timeout still sends callers to it).
import { useConfirm } from 'primevue/useconfirm'
import { useToast } from 'primevue/usetoast'
import { api, ApiError, errorMessage } from '../../api/client'
import type { Queue } from '../../api/types'

export function useQueueDelete(deleted: (q: Queue) => void | Promise<void>): (q: Queue) => void {
  const confirm = useConfirm()
  const toast = useToast()
  return (q) => confirm.require({
    header: `Delete queue ${q.name}?`,
    message: `Callers waiting in ${q.name} go where its timeout sends them; its ${q.members} ${q.members === 1 ? 'member leaves' : 'members leave'} it. Its number ${q.number} stops answering.`,
    acceptProps: { label: 'Delete queue', severity: 'danger' },
    rejectProps: { label: 'Cancel', severity: 'secondary', text: true },
    accept: async () => {
      try {
        await api.del('/v1/admin/queues/{id}', { path: { id: q.id } })
        toast.add({ severity: 'success', summary: `Queue ${q.name} deleted`, life: 4000 })
        await deleted(q)
      } catch (e) {
        const inUse = e instanceof ApiError && e.code === 'queue_in_use'
        toast.add({ severity: 'error', summary: inUse ? `${q.name} is still in use` : 'Not deleted',
                    detail: inUse ? `${errorMessage(e)} See Inbound numbers, and the other queues' "When the wait runs out".` : errorMessage(e), life: 12000 })
      }
    },
  })
}
