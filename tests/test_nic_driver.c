// SPDX-License-Identifier: MIT
/* test_nic_driver.c - the example driver (examples/nic_driver.c) end to end: a correct
 * run delivers every packet through IRQ, tasklet and work item with no report; each
 * planted bug gives its report. */
#include <criterion/criterion.h>
#define NIC_NO_MAIN
#include "../examples/nic_driver.c"

static void down(void)
{
	ukmem_shutdown();
}

TestSuite(nic_driver, .fini = down);

Test(nic_driver, delivers_every_packet_without_a_report)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2 quiet"), 0);
	f = open_memstream(&buf, &len);
	cr_assert_eq(nic_demo(0, 12, f), 12);
	fclose(f);
	cr_assert_eq(ukmem_report_total(), 0);
	/* the ring and buffers reached the 24-bit device: above 16 MiB they were bounced */
	cr_assert_not(ukmem_dmesg_contains("DMA fault"));
	cr_assert_not_null(strstr(buf, "  e0000000-e0000fff : nic_driver"), "%s", buf);
	cr_assert_not_null(strstr(buf, "ioremap"));
	cr_assert_not_null(strstr(buf, "pages=16 vmalloc"), "%s", buf); /* the work item's log */
	cr_assert_eq(nic.bytes, 3 * (64 + 128 + 192 + 256));
	free(buf);
}

Test(nic_driver, gfp_kernel_in_the_irq_handler_is_reported)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2 quiet"), 0);
	cr_assert_eq(nic_demo(NIC_BUG_GFP_KERNEL_IN_IRQ, 2, NULL), 2);
	cr_assert(ukmem_dmesg_contains("BUG: sleeping function called from invalid context"));
	cr_assert(ukmem_dmesg_contains("in_atomic(): 1"));
	cr_assert_not(ukmem_dmesg_contains("DMA fault"));
}

Test(nic_driver, forgotten_dma_mask_faults_in_the_device)
{
	cr_assert_eq(ukmem_boot("mem=64M nr_cpus=2 quiet"), 0);
	cr_assert_eq(nic_demo(NIC_BUG_NO_DMA_MASK, 2, NULL), 0);
	cr_assert_eq(ukmem_report_count(UKMEM_REPORT_DMA), 2);
	cr_assert(ukmem_dmesg_contains("is beyond the device's DMA mask (mask 0xffffff)"));
	cr_assert_not(ukmem_dmesg_contains("sleeping function"));
}
