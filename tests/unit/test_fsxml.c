/* Unit tests of freeswitch/: xml.c range regexes (checked against POSIX
 * regex for every number below 10^6), escaping, well-formed shapes; the
 * commands of provision.c; the listing parsers of esl.c. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "freeswitch/esl.h"
#include "freeswitch/provision.h"
#include "freeswitch/xml.h"
#include "util/cidr.h"

/* fs_xml_range_regex uses PCRE's \d (FreeSWITCH's dialplan is PCRE);
 * POSIX ERE spells it [0-9]. */
static void to_posix(const char *in, char *out, size_t size)
{
        size_t j = 0;

        for (size_t i = 0; in[i] && j + 6 < size; i++) {
                if (in[i] == '\\' && in[i + 1] == 'd') {
                        memcpy(out + j, "[0-9]", 5);
                        j += 5;
                        i++;
                } else {
                        out[j++] = in[i];
                }
        }
        out[j] = '\0';
}

static void check_range(long lo, long hi)
{
        char re[2048], posix[4096], full[4200];
        regex_t r;
        int wrong = 0;

        CHECK(fs_xml_range_regex(lo, hi, re, sizeof(re)) > 0);
        to_posix(re, posix, sizeof(posix));
        snprintf(full, sizeof(full), "^(%s)$", posix);
        CHECK_INT_EQ(regcomp(&r, full, REG_EXTENDED | REG_NOSUB), 0);
        for (long n = 0; n < 1000000; n++) {
                char s[16];
                snprintf(s, sizeof(s), "%ld", n);
                if ((regexec(&r, s, 0, NULL, 0) == 0) != (n >= lo && n <= hi))
                        wrong++;
        }
        regfree(&r);
        if (wrong)
                fprintf(stderr, "range %ld-%ld (%s): %d numbers wrong\n", lo, hi, re, wrong);
        CHECK_INT_EQ(wrong, 0);
}

static void test_ranges(void)
{
        char re[64];

        check_range(8000, 8999);
        check_range(98, 101);
        check_range(1995, 2010);
        check_range(49995, 50004);
        check_range(0, 0);
        check_range(5, 1234);
        fs_xml_range_regex(2000, 2999, re, sizeof(re));
        CHECK_STR_EQ(re, "2[0-9]\\d{2}");
        CHECK_INT_EQ(fs_xml_range_regex(123, 987654, re, 8), 0); /* too small a buffer */
}

static void test_user_escaping(void)
{
        struct fs_xml_user u = {
                .domain = "sip.example.com",
                .extension = "8000",
                .password = "p&<>\"'",
                .vm_password = "123456",
                .tenant_id = 7,
                .caller_id_name = "\"/><param name=\"password\" value=\"x",
                .cacheable_ms = 60000,
        };
        char *doc = fs_xml_directory_user(&u);

        CHECK(doc != NULL);
        CHECK(strstr(doc, "<user id=\"8000\" cacheable=\"60000\">") != NULL);
        CHECK(strstr(doc, "value=\"p&amp;&lt;&gt;&quot;&apos;\"") != NULL);
        CHECK(strstr(doc, "&quot;/&gt;&lt;param name=&quot;password&quot; value=&quot;x\"") != NULL);
        CHECK(strstr(doc, "<variable name=\"user_context\" value=\"tenant_7\"/>") != NULL);
        CHECK(strstr(doc, "name=\"dial-string\"") != NULL);
        /* Exactly one password param: the injected one is text. */
        CHECK(strstr(strstr(doc, "name=\"password\"") + 1, "<param name=\"password\"") == NULL);
        free(doc);
        u.cacheable_ms = 0;
        doc = fs_xml_directory_user(&u);
        CHECK(strstr(doc, "cacheable") == NULL);
        free(doc);
        /* What XML 1.0 cannot carry is dropped: C0 controls (tab, newline,
         * return kept as references) and U+FFFE, U+FFFF, which a real
         * parser refuses (fuzz/xml.c found them); U+FFFD and other EF
         * sequences stay. */
        u.caller_id_name = "a\x01\tb\xef\xbf\xbe\xef\xbf\xbf" "c\xef\xbf\xbd\n";
        doc = fs_xml_directory_user(&u);
        CHECK(strstr(doc, "value=\"a&#9;bc\xef\xbf\xbd&#10;\"") != NULL);
        free(doc);
        /* No "$${" or "${" reaches FreeSWITCH's text, which expands them
         * before it parses the XML: each '$' is a character reference. */
        u.caller_id_name = "$${default_password} ${hostname}";
        doc = fs_xml_directory_user(&u);
        CHECK(strstr(doc, "value=\"&#36;&#36;{default_password} &#36;{hostname}\"") != NULL);
        free(doc);
}

static void test_cidr(void)
{
        struct cidr_list l;

        CHECK(cidr_list_parse("127.0.0.0/8,::1/128, 192.0.2.3", &l));
        CHECK_INT_EQ(l.n, 3);
        CHECK(cidr_list_contains(&l, "127.4.5.6"));
        CHECK(cidr_list_contains(&l, "::1"));
        CHECK(cidr_list_contains(&l, "::ffff:127.0.0.1"));
        CHECK(cidr_list_contains(&l, "192.0.2.3"));
        CHECK(!cidr_list_contains(&l, "192.0.2.4"));
        CHECK(!cidr_list_contains(&l, "::2"));
        CHECK(!cidr_list_contains(&l, "not an address"));
        CHECK(!cidr_list_parse("127.0.0.0/33", &l));
        CHECK(!cidr_list_parse("example.com", &l));
        CHECK(cidr_list_parse("", &l) && l.n == 0);
}

static void test_provision_commands(void)
{
        char c[FS_COMMANDS_PER_CHANGE][FS_COMMAND_MAX];

        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_PROVISION, "1000", "127.0.0.1", "internal", c), 0);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_UPDATE, "1000", "127.0.0.1", "internal", c), 1);
        CHECK_STR_EQ(c[0], "xml_flush_cache id 1000 127.0.0.1");
        for (int k = 0; k < 2; k++) {
                CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, k ? FS_CHANGE_DEPROVISION : FS_CHANGE_REKEY,
                                                   "2001", "pbx.example", "agents", c), 2);
                CHECK_STR_EQ(c[0], "xml_flush_cache id 2001 pbx.example");
                CHECK_STR_EQ(c[1], "sofia profile agents flush_inbound_reg 2001@pbx.example reboot");
        }
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_RESYNC, "", "", "internal", c), 1);
        CHECK_STR_EQ(c[0], "xml_flush_cache");
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_PROVISION, "1000", "127.0.0.1", "internal", c), 1);
        CHECK_STR_EQ(c[0], "reloadxml");
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_UPDATE, "1000", "127.0.0.1", "internal", c), 1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_RESYNC, "", "", "internal", c), 1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_REKEY, "1000", "127.0.0.1", "internal", c), 3);
        CHECK_STR_EQ(c[0], "reloadxml");
        CHECK_STR_EQ(c[1], "xml_flush_cache id 1000 127.0.0.1");
        CHECK_STR_EQ(c[2], "sofia profile internal flush_inbound_reg 1000@127.0.0.1 reboot");
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_DEPROVISION, "1000", "127.0.0.1", "internal", c), 2);
        CHECK_STR_EQ(c[1], "sofia profile internal flush_inbound_reg 1000@127.0.0.1 reboot");
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_FILES, FS_CHANGE_DEPROVISION, "10x", "127.0.0.1", "internal", c), -1);
        /* Nothing that could smuggle a second argument or command. */
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_REKEY, "10a0", "127.0.0.1", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_REKEY, "", "127.0.0.1", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_REKEY, "1000", "a b", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_REKEY, "1000", "a\n\napi x", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_REKEY, "1000", "127.0.0.1", "", c), -1);
        /* (The kinds of change and the modes are named in test_states.c.) */
        CHECK(fs_provision_mode_pushes(FS_MODE_SSH) && !fs_provision_mode_pushes(FS_MODE_XML_CURL));
        /* ssh sends what files sends. */
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_SSH, FS_CHANGE_REKEY, "1000", "d", "p", c), 3);

        /* A voicebox emptied: its messages, then each greeting and the name. */
        for (int k = 0; k < 2; k++) {
                CHECK_INT_EQ(fs_provision_commands(k ? FS_MODE_FILES : FS_MODE_XML_CURL, FS_CHANGE_VOICEBOX,
                                                   "2001", "pbx.example", "internal", c), 1);
                CHECK_STR_EQ(c[0], "vm_delete 2001@pbx.example/agentdesk");
        }
        /* the domain and extension go into a path: a host name and digits only */
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_VOICEBOX, "2001", "../etc", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_VOICEBOX, "2001", "a/b", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_VOICEBOX, "2001", "${x}", "internal", c), -1);
        CHECK_INT_EQ(fs_provision_commands(FS_MODE_XML_CURL, FS_CHANGE_VOICEBOX, "20/1", "pbx.example", "internal", c), -1);
        char exists[FS_COMMAND_MAX], move[FS_COMMAND_MAX];
        CHECK(fs_voicebox_file_commands("pbx.example", "2001", 0, exists, move));
        CHECK_STR_EQ(exists, "expand file_exists ${storage_dir}/voicemail/agentdesk/pbx.example/2001/recorded_name.wav");
        CHECK_STR_EQ(move, "expand vm_fsdb_pref_greeting_set agentdesk pbx.example " FS_VOICEBOX_TRASH
                           " 1 ${storage_dir}/voicemail/agentdesk/pbx.example/2001/recorded_name.wav");
        CHECK(fs_voicebox_file_commands("pbx.example", "2001", 9, exists, move));
        CHECK_STR_EQ(exists, "expand file_exists ${storage_dir}/voicemail/agentdesk/pbx.example/2001/greeting_9.wav");
        CHECK(!fs_voicebox_file_commands("pbx.example", "2001", FS_VOICEBOX_FILES, exists, move));
        CHECK(!fs_voicebox_file_commands(".hidden", "2001", 1, exists, move));
        CHECK(!fs_voicebox_file_commands("pbx.example", "", 1, exists, move));
}

static void test_registration_listing(void)
{
        const char *body = "\nRegistrations:\n=====\nCall-ID:    \t1-1@127.0.0.1\n"
                           "User:       \t1001@127.0.0.1\nContact:    \t\"\" <sip:1001@x>\n\n"
                           "Call-ID:    \t1-2@127.0.0.1\nUser:       \t10012@127.0.0.1\n"
                           "=====\nTotal items returned: 2\n=====\n";

        CHECK_INT_EQ(esl_registration_count(body), 2);
        CHECK_INT_EQ(esl_registration_count("Invalid Profile [x]"), -1);
        CHECK(esl_registration_has_user(body, "1001"));
        CHECK(esl_registration_has_user(body, "10012"));
        CHECK(!esl_registration_has_user(body, "100"));
        CHECK(!esl_registration_has_user(body, "1002"));
        CHECK(!esl_registration_has_user(body, "1-1"));
}

/* The queues' documents: a queue's configuration (its moh default is
 * FreeSWITCH's global, a value of ours is escaped, '$' included), the
 * tenant context's queue numbers with each timeout destination and the
 * tracked extensions, the public entry of an inbound number; bad numbers
 * render nothing. */
static void test_queue_documents(void)
{
        struct fs_xml_queue q = { .id = 12, .strategy = "ring-all", .max_wait_s = 30,
                                  .announce_sound = "say:${x}<", .announce_frequency_s = 15 };
        struct fs_xml_queue_entry e[] = {
                { .id = 12, .number = "7000", .timeout = QUEUE_TIMEOUT_QUEUE, .timeout_number = "7001" },
                { .id = 13, .number = "7001", .timeout = QUEUE_TIMEOUT_VOICEMAIL,
                  .timeout_extension = "1001" },
                { .id = 14, .number = "7002", .timeout = QUEUE_TIMEOUT_HANGUP },
        };
        struct fs_xml_track tr[] = { { 5, "1000" }, { 5, "1002" }, { 6, "1001" } };
        struct fs_xml_plan p = { .tenant_id = 3, .lo = 1000, .hi = 1009, .realm = "a.example",
                                 .queues = e, .n_queues = 3, .tracks = tr, .n_tracks = 3 };
        struct fs_xml_inbound n = { .id = 4, .tenant_id = 3, .number = "+15551230000",
                                    .realm = "a.example", .destination = "7000" };
        char *doc;

        doc = fs_xml_callcenter_queue(&q);
        CHECK(doc && strstr(doc, "<section name=\"configuration\">"));
        CHECK(doc && strstr(doc, "<configuration name=\"callcenter.conf\""));
        CHECK(doc && strstr(doc, "<queue name=\"q12\">"));
        CHECK(doc && strstr(doc, "<param name=\"moh-sound\" value=\"$${hold_music}\"/>"));
        CHECK(doc && strstr(doc, "<param name=\"strategy\" value=\"ring-all\"/>"));
        CHECK(doc && strstr(doc, "<param name=\"max-wait-time\" value=\"30\"/>"));
        CHECK(doc && strstr(doc, "<param name=\"time-base-score\" value=\"system\"/>"));
        CHECK(doc && strstr(doc, "value=\"say:&#36;{x}&lt;\""));
        CHECK(doc && strstr(doc, "<param name=\"announce-frequency\" value=\"15\"/>"));
        free(doc);
        q.moh_sound = "tone_stream://%(1,1,440)";
        q.announce_frequency_s = 0;
        doc = fs_xml_callcenter_queue_file(&q);
        CHECK(doc && strncmp(doc, FSXML_OWNED_MARKER, strlen(FSXML_OWNED_MARKER)) == 0);
        CHECK(doc && strstr(doc, "value=\"tone_stream://%(1,1,440)\""));
        CHECK(doc && !strstr(doc, "announce"));
        CHECK(doc && !strstr(doc, "<section"));
        free(doc);

        doc = fs_xml_plan_context(&p);
        CHECK(doc && strstr(doc, "<extension name=\"track_u5\" continue=\"true\">"));
        CHECK(doc && strstr(doc, "expression=\"^(1000|1002)$\""));
        CHECK(doc && strstr(doc, "data=\"u6\""));
        CHECK(doc && strstr(doc, "<action application=\"callcenter\" data=\"q12\"/>"));
        CHECK(doc && strstr(doc, "data=\"ad_queue_id=12\""));
        CHECK(doc && strstr(doc, "data=\"cc_exit_keys=" FSXML_QUEUE_EXIT_KEY "\""));
        CHECK(doc && strstr(doc, "data=\"hangup_after_bridge=true\""));
        CHECK(doc && strstr(doc, "<action application=\"transfer\" data=\"7001 XML tenant_3\"/>"));
        CHECK(doc && strstr(doc, "<action application=\"voicemail\" data=\"agentdesk a.example 1001\"/>"));
        /* transfers stay in the tenant: every call and its bridged legs carry the context */
        CHECK(doc && strstr(doc, "<action application=\"export\" data=\"force_transfer_context=tenant_3\"/>"));
        CHECK(doc && strstr(doc, "<action application=\"export\" data=\"domain_name=${domain_name}\"/>"));
        /* in the queue's entry (before its answer) and in the range's (before its bridge), and no entry of its own */
        CHECK(doc && strstr(doc, "force_transfer_context") < strstr(doc, "<action application=\"answer\"/>"));
        CHECK(doc && strstr(strstr(doc, "tenant_3_internal"), "force_transfer_context") <
                     strstr(doc, "application=\"bridge\""));
        CHECK(doc && !strstr(doc, "<condition>"));
        /* the tracks come before the bridge of the range */
        CHECK(doc && strstr(doc, "track_u5") < strstr(doc, "tenant_3_internal"));
        free(doc);
        e[0].number = "70 00";
        CHECK(fs_xml_plan_context(&p) == NULL);
        e[0].number = "7000";
        tr[0].extension = "1000|.*";
        CHECK(fs_xml_plan_file(&p) == NULL);
        tr[0].extension = "1000";

        doc = fs_xml_inbound_context(&n);
        CHECK(doc && strstr(doc, "<context name=\"public\">"));
        CHECK(doc && strstr(doc, "expression=\"^\\+?15551230000$\""));
        CHECK(doc && strstr(doc, "data=\"domain_name=a.example\""));
        CHECK(doc && strstr(doc, "data=\"7000 XML tenant_3\""));
        free(doc);
        n.number = "+1555x";
        CHECK(fs_xml_inbound_file(&n) == NULL);
}

/* Voicemail: the callee's settings as directory variables, the range's
 * bridge then voicebox, the *98 check, agentdesk's own profile. */
static void test_voicemail(void)
{
        struct fs_xml_user u = { .domain = "a.example", .extension = "1001", .password = "s",
                                 .vm_password = "4321", .tenant_id = 3, .caller_id_name = "A B",
                                 .voicemail = true, .ring_s = 35 };
        struct fs_xml_plan p = { .tenant_id = 3, .lo = 1000, .hi = 1009, .realm = "a.example" };
        const char *bridge, *vm, *check, *anti;
        char *doc;

        doc = fs_xml_directory_user(&u);
        CHECK(doc && strstr(doc, "<param name=\"vm-password\" value=\"4321\"/>"));
        CHECK(doc && strstr(doc, "<param name=\"vm-enabled\" value=\"true\"/>"));
        CHECK(doc && strstr(doc, "<variable name=\"agentdesk_voicemail\" value=\"true\"/>"));
        CHECK(doc && strstr(doc, "<variable name=\"agentdesk_ring_s\" value=\"35\"/>"));
        free(doc);
        u.voicemail = false;
        u.ring_s = 0;
        doc = fs_xml_user_file(&u);
        CHECK(doc && strstr(doc, "<param name=\"vm-enabled\" value=\"false\"/>"));
        CHECK(doc && strstr(doc, "<variable name=\"agentdesk_voicemail\" value=\"false\"/>"));
        CHECK(doc && strstr(doc, "<variable name=\"agentdesk_ring_s\" value=\"20\"/>"));
        free(doc);

        doc = fs_xml_plan_context(&p);
        CHECK(doc != NULL);
        bridge = doc ? strstr(doc, "<action application=\"bridge\" data=\"user/$1@${domain_name}\"/>") : NULL;
        vm = doc ? strstr(doc, "<action application=\"voicemail\" data=\"agentdesk ${domain_name} $1\"/>") : NULL;
        CHECK(bridge && vm && bridge < vm);
        /* ring time and voicemail are the callee's, set before the bridge */
        CHECK(doc && strstr(doc, "data=\"call_timeout=${user_data($1@${domain_name} var agentdesk_ring_s)}\"") < bridge);
        CHECK(doc && strstr(doc, "data=\"continue_on_fail=${user_data($1@${domain_name} var agentdesk_voicemail)}\"") < bridge);
        CHECK(doc && strstr(doc, "data=\"hangup_after_bridge=true\"") < bridge);
        /* *98 and *98<own extension>: no PIN only for the authenticated
         * user's own box */
        check = doc ? strstr(doc, "<extension name=\"voicemail_own\">") : NULL;
        CHECK(check && strstr(check, "expression=\"^\\*98\\d*$\""));
        CHECK(check && strstr(check, "<condition field=\"${sip_auth_username}/${caller_id_number}/${destination_number}\" expression=\"^(\\d+)/\\1/\\*98(\\1)?$\">"));
        CHECK(check && strstr(check, "<action application=\"voicemail\" data=\"check auth agentdesk ${domain_name} $1\"/>"));
        /* any other box of the tenant's range, and *98 with a caller id
         * that is not the authenticated user: the PIN is asked */
        anti = check ? strstr(check, "<extension name=\"voicemail_box\">") : NULL;
        CHECK(anti && strstr(anti, "expression=\"^\\*98(100[0-9])$\""));
        CHECK(anti && strstr(anti, "<action application=\"voicemail\" data=\"check agentdesk ${domain_name} $1\"/>"));
        CHECK(anti && strstr(anti, "<action application=\"voicemail\" data=\"check agentdesk ${domain_name} ${caller_id_number}\"/>"));
        CHECK(anti && !strstr(anti, "check auth"));
        CHECK(doc && !strstr(doc, "default "));
        free(doc);

        doc = fs_xml_voicemail_conf();
        CHECK(doc && strstr(doc, "<section name=\"configuration\">"));
        CHECK(doc && strstr(doc, "<configuration name=\"voicemail.conf\""));
        CHECK(doc && strstr(doc, "<profile name=\"agentdesk\">"));
        CHECK(doc && strstr(doc, "<param name=\"allow-empty-password-auth\" value=\"false\"/>"));
        CHECK(doc && strstr(doc, "<param name=\"db-password-override\" value=\"false\"/>"));
        CHECK(doc && !strstr(doc, "operator-extension") && !strstr(doc, "vmain-extension") &&
              !strstr(doc, "callback-context") && !strstr(doc, "default"));
        free(doc);
        doc = fs_xml_voicemail_profile_file();
        CHECK(doc && strncmp(doc, FSXML_OWNED_MARKER, strlen(FSXML_OWNED_MARKER)) == 0);
        CHECK(doc && strstr(doc, "<profile name=\"agentdesk\">") && !strstr(doc, "<section"));
        CHECK(doc && !strstr(doc, "operator-extension") && !strstr(doc, "callback-context"));
        free(doc);
}

int main(void)
{
        test_voicemail();
        test_queue_documents();
        test_provision_commands();
        test_registration_listing();
        test_ranges();
        test_user_escaping();
        test_cidr();
        return CHECK_DONE();
}
