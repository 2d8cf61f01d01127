/* The settings' modes and their names (modes.h). */
#include "model/modes.h"

static const char *const fs_modes[] = {
        [FS_MODE_XML_CURL] = "xml_curl",
        [FS_MODE_FILES] = "files",
        [FS_MODE_SSH] = "ssh",
};

const struct text_names fs_mode_names = { fs_modes, sizeof(fs_modes) / sizeof(fs_modes[0]) };

const char *fs_mode_name(enum fs_mode mode)
{
        return text_names_name(&fs_mode_names, (int)mode);
}

bool fs_mode_parse(const char *s, enum fs_mode *ret)
{
        int i = text_names_index(&fs_mode_names, s);

        if (i >= 0)
                *ret = (enum fs_mode)i;
        return i >= 0;
}

static const char *const smtp_tls_modes[] = {
        [SMTP_TLS_REQUIRED] = "required",
        [SMTP_TLS_NONE] = "none",
};

const struct text_names smtp_tls_names = { smtp_tls_modes,
                                           sizeof(smtp_tls_modes) / sizeof(smtp_tls_modes[0]) };

const char *smtp_tls_name(enum smtp_tls tls)
{
        return text_names_name(&smtp_tls_names, (int)tls);
}

bool smtp_tls_parse(const char *s, enum smtp_tls *ret)
{
        int i = text_names_index(&smtp_tls_names, s);

        if (i >= 0)
                *ret = (enum smtp_tls)i;
        return i >= 0;
}
