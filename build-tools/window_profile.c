/* A QEMU TCG plugin for build-tools/window_profile.py: records, in execution order, every
 * instruction any vCPU runs between vCPU 0 reaching `begin` and vCPU 0 reaching `end`, for
 * windows skip+1 .. skip+count, as lines "VCPU HEXADDR" between "W N" and "E" to `out`.
 *
 * Arguments: begin=ADDR,end=ADDR,skip=N,count=N,out=PATH.
 *
 * QEMU ships no plugin header in Debian, so the few entry points used here are declared
 * below, as QEMU 7.2's plugin API (version 1) defines them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void* userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn* insn);
void qemu_plugin_register_vcpu_insn_exec_cb(struct qemu_plugin_insn* insn, qemu_plugin_vcpu_udata_cb_t cb,
                                            enum qemu_plugin_cb_flags flags, void* userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);

#define EXPORT __attribute__((visibility("default")))
EXPORT int qemu_plugin_version = 1;

static uint64_t begin, end;
static long skip, count = 1, hits;
static int recording;
static FILE* out;

/* Under -accel tcg,thread=single one host thread runs every vCPU: no locking needed. */
/* From `begin` up to, not including, `end`: what the TSC difference of a bench window counts
 * when begin is the instruction after its rdtsc and end the one after its rdtscp. */
static void executed(unsigned int vcpu, void* userdata) {
  const uint64_t pc = (uint64_t)(uintptr_t)userdata;
  if (vcpu == 0 && pc == end && recording) {
    recording = 0;
    fprintf(out, "E\n");
  }
  if (vcpu == 0 && pc == begin && ++hits > skip && hits <= skip + count) {
    recording = 1;
    fprintf(out, "W %ld\n", hits);
  }
  if (recording) fprintf(out, "%u %llx\n", vcpu, (unsigned long long)pc);
}

static void translated(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  for (size_t i = 0, n = qemu_plugin_tb_n_insns(tb); i < n; i++) {
    struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    qemu_plugin_register_vcpu_insn_exec_cb(insn, executed, QEMU_PLUGIN_CB_NO_REGS,
                                           (void*)(uintptr_t)qemu_plugin_insn_vaddr(insn));
  }
}

static void finished(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  fclose(out);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
  (void)info;
  const char* path = NULL;
  for (int i = 0; i < argc; i++) {
    const char* a = argv[i];
    if (strncmp(a, "begin=", 6) == 0)
      begin = strtoull(a + 6, NULL, 0);
    else if (strncmp(a, "end=", 4) == 0)
      end = strtoull(a + 4, NULL, 0);
    else if (strncmp(a, "skip=", 5) == 0)
      skip = strtol(a + 5, NULL, 0);
    else if (strncmp(a, "count=", 6) == 0)
      count = strtol(a + 6, NULL, 0);
    else if (strncmp(a, "out=", 4) == 0)
      path = a + 4;
    else {
      fprintf(stderr, "window_profile: unknown argument %s\n", a);
      return 1;
    }
  }
  if (path == NULL || begin == 0 || end == 0) {
    fprintf(stderr, "window_profile: begin=, end= and out= are required\n");
    return 1;
  }
  out = fopen(path, "w");
  if (out == NULL) {
    perror(path);
    return 1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, translated);
  qemu_plugin_register_atexit_cb(id, finished, NULL);
  return 0;
}
