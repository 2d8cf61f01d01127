/* Wiping secrets; see wipe.h. */
#include "util/wipe.h"

#include <stdlib.h>
#include <string.h>

void wipe_memory(void *buf, size_t len)
{
        if (buf && len)
                explicit_bzero(buf, len);
}

void wipe_free_string(char *s)
{
        if (!s)
                return;
        wipe_memory(s, strlen(s));
        free(s);
}
