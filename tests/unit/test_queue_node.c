/*
 * The queue-node rule (domain/provisioning/queue_node.c): a tenant's queue
 * node is a function of its id and the set of node names only (not their
 * order); 3,000 tenants spread over three nodes; a node added takes
 * tenants only for itself, a node removed gives up only its own.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "domain/provisioning/queue_node.h"

#define TENANTS 3000

static void test_spread_and_moves(void)
{
        const char *three[] = { "fs-a", "fs-b", "fs-c" };
        const char *reversed[] = { "fs-c", "fs-b", "fs-a" };
        const char *four[] = { "fs-a", "fs-b", "fs-c", "fs-d" };
        const char *two[] = { "fs-a", "fs-c" };
        int count[3] = { 0 }, moved_add = 0, moved_remove = 0;

        CHECK_INT_EQ(queue_node_pick(1, three, 0), -1);
        CHECK_INT_EQ(queue_node_pick(1, three, 1), 0);
        for (int64_t t = 1; t <= TENANTS; t++) {
                int k = queue_node_pick(t, three, 3);
                const char *name = three[k];
                int k4 = queue_node_pick(t, four, 4);
                int k2 = queue_node_pick(t, two, 2);

                count[k]++;
                /* the set decides, not the order */
                CHECK_STR_EQ(reversed[queue_node_pick(t, reversed, 3)], name);
                /* fs-d added: a tenant moves only onto fs-d */
                if (strcmp(four[k4], name) != 0) {
                        CHECK_STR_EQ(four[k4], "fs-d");
                        moved_add++;
                }
                /* fs-b removed: only fs-b's tenants move */
                if (strcmp(two[k2], name) != 0) {
                        CHECK_STR_EQ(name, "fs-b");
                        moved_remove++;
                } else {
                        CHECK(strcmp(name, "fs-b") != 0);
                }
        }
        printf("spread over 3 nodes: %d %d %d; moved by a 4th: %d; by removing fs-b: %d\n",
               count[0], count[1], count[2], moved_add, moved_remove);
        for (int i = 0; i < 3; i++)
                CHECK(count[i] > TENANTS / 3 - 150 && count[i] < TENANTS / 3 + 150);
        CHECK(moved_add > TENANTS / 4 - 150 && moved_add < TENANTS / 4 + 150);
        CHECK_INT_EQ(moved_remove, count[1]);
}

int main(void)
{
        test_spread_and_moves();
        return CHECK_DONE();
}
