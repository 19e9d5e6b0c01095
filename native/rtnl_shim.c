/*
 * rtnl_shim: the Node-API backend of rtnl's system-call shim (Node 20-24,
 * where node:ffi does not exist). See src/shim/addon.ts for the exact
 * interface; errors are turned into Node-style exceptions there.
 *
 * Every primitive makes one system call and returns its result, or -errno
 * read on the very next line, before any other libc call can overwrite it.
 * Wrong argument *types* are programming errors and throw a TypeError here.
 */
#define _GNU_SOURCE /* setns, unshare */
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <node_api.h>
#include <uv.h>

#define MAX_ARGS 5

/* Fetches exactly `want` arguments or throws. */
static bool get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, void **data) {
  size_t argc = MAX_ARGS;
  napi_value tmp[MAX_ARGS];
  if (napi_get_cb_info(env, info, &argc, tmp, NULL, data) != napi_ok) return false;
  if (argc < want) {
    napi_throw_type_error(env, NULL, "rtnl_shim: too few arguments");
    return false;
  }
  for (size_t i = 0; i < want; i++) argv[i] = tmp[i];
  return true;
}

static bool get_i32(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) == napi_ok) return true;
  napi_throw_type_error(env, NULL, "rtnl_shim: expected a number");
  return false;
}

static bool get_i64(napi_env env, napi_value v, int64_t *out) {
  if (napi_get_value_int64(env, v, out) == napi_ok) return true;
  napi_throw_type_error(env, NULL, "rtnl_shim: expected a number");
  return false;
}

/* ioctl requests reach 0xFFFFFFFF (TUNGETIFF is 0x800454d2): a JS number
 * read as int32 would saturate, uint32 keeps the low 32 bits, which is all the
 * kernel looks at (its ioctl cmd is an unsigned int). */
static bool get_u32(napi_env env, napi_value v, uint32_t *out) {
  if (napi_get_value_uint32(env, v, out) == napi_ok) return true;
  napi_throw_type_error(env, NULL, "rtnl_shim: expected a number");
  return false;
}

/* A Uint8Array's bytes. napi_get_typedarray_info already returns `data`
 * advanced by the view's byte offset, so it must not be added again. */
static bool get_bytes(napi_env env, napi_value v, void **data, size_t *len) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  bool is_ta = false;
  napi_is_typedarray(env, v, &is_ta);
  if (is_ta && napi_get_typedarray_info(env, v, &type, len, data, &ab, &offset) == napi_ok &&
      (type == napi_uint8_array || type == napi_uint8_clamped_array))
    return true;
  napi_throw_type_error(env, NULL, "rtnl_shim: expected a Uint8Array");
  return false;
}

/* get_str's result when it has thrown (distinct from any -errno). */
#define THROWN INT_MIN

/* A string into `buf` (PATH_MAX bytes), or NULL when `v` is null and
 * `nullable`. Returns 0, -ENAMETOOLONG, or THROWN with a TypeError pending. */
static int get_str(napi_env env, napi_value v, char *buf, bool nullable, const char **out) {
  napi_valuetype t;
  size_t len;
  napi_typeof(env, v, &t);
  if (nullable && t == napi_null) {
    *out = NULL;
    return 0;
  }
  if (t != napi_string || napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "rtnl_shim: expected a string");
    return THROWN;
  }
  if (len >= PATH_MAX) return -ENAMETOOLONG;
  napi_get_value_string_utf8(env, v, buf, PATH_MAX, &len);
  if (strlen(buf) != len) {
    napi_throw_type_error(env, NULL, "rtnl_shim: string must not contain NUL bytes");
    return THROWN;
  }
  *out = buf;
  return 0;
}

static napi_value num(napi_env env, int64_t n) {
  napi_value v;
  napi_create_int64(env, n, &v);
  return v;
}

/* `r` is the call's return value, `e` the errno read right after it. */
#define RESULT(r, e) num(env, (r) < 0 ? -(int64_t)(e) : (int64_t)(r))

#define ARGS(n)                                                   \
  napi_value argv[MAX_ARGS];                                      \
  if (!get_args(env, info, (n), argv, NULL)) return NULL

static napi_value js_socket(napi_env env, napi_callback_info info) {
  int32_t d, t, p;
  ARGS(3);
  if (!get_i32(env, argv[0], &d) || !get_i32(env, argv[1], &t) || !get_i32(env, argv[2], &p)) return NULL;
  int r = socket(d, t, p);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_bind(napi_env env, napi_callback_info info) {
  int32_t fd;
  void *sa;
  size_t len;
  ARGS(2);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &sa, &len)) return NULL;
  int r = bind(fd, (const struct sockaddr *)sa, (socklen_t)len);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_getsockname(napi_env env, napi_callback_info info) {
  int32_t fd;
  void *sa;
  size_t len;
  ARGS(2);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &sa, &len)) return NULL;
  socklen_t sl = (socklen_t)len;
  int r = getsockname(fd, (struct sockaddr *)sa, &sl);
  int e = errno;
  return r < 0 ? RESULT(r, e) : num(env, sl);
}

static napi_value js_setsockopt(napi_env env, napi_callback_info info) {
  int32_t fd, level, name;
  void *val;
  size_t len;
  ARGS(4);
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) || !get_i32(env, argv[2], &name) ||
      !get_bytes(env, argv[3], &val, &len))
    return NULL;
  int r = setsockopt(fd, level, name, val, (socklen_t)len);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_getsockopt(napi_env env, napi_callback_info info) {
  int32_t fd, level, name;
  void *val;
  size_t len;
  ARGS(4);
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &level) || !get_i32(env, argv[2], &name) ||
      !get_bytes(env, argv[3], &val, &len))
    return NULL;
  socklen_t sl = (socklen_t)len;
  int r = getsockopt(fd, level, name, val, &sl);
  int e = errno;
  return r < 0 ? RESULT(r, e) : num(env, sl);
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  int32_t fd, flags;
  int64_t n;
  void *buf;
  size_t len;
  ARGS(4);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len) || !get_i64(env, argv[2], &n) ||
      !get_i32(env, argv[3], &flags))
    return NULL;
  if (n < 0 || (uint64_t)n > len) return num(env, -EINVAL); /* never read past the view */
  ssize_t r = send(fd, buf, (size_t)n, flags);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_recv(napi_env env, napi_callback_info info) {
  int32_t fd, flags;
  void *buf;
  size_t len;
  ARGS(3);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len) || !get_i32(env, argv[2], &flags))
    return NULL;
  /* With MSG_TRUNC the kernel returns the datagram's full length, which may
   * exceed `len`; only `len` bytes are ever written. */
  ssize_t r = recv(fd, buf, len, flags);
  int e = errno;
  return RESULT(r, e);
}

/* sendto(2): as send, to the address in `to` (a raw sockaddr image). */
static napi_value js_sendto(napi_env env, napi_callback_info info) {
  int32_t fd, flags;
  int64_t n;
  void *buf, *to;
  size_t len, tolen;
  ARGS(5);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len) || !get_i64(env, argv[2], &n) ||
      !get_i32(env, argv[3], &flags) || !get_bytes(env, argv[4], &to, &tolen))
    return NULL;
  if (n < 0 || (uint64_t)n > len || tolen > sizeof(struct sockaddr_storage)) return num(env, -EINVAL);
  ssize_t r = sendto(fd, buf, (size_t)n, flags, (const struct sockaddr *)to, (socklen_t)tolen);
  int e = errno;
  return RESULT(r, e);
}

/* recvfrom(2): as recv, and the sender's address is written into `from`
 * (at most its length; a netlink sender's is a 12-byte sockaddr_nl, which
 * says whether the kernel sent the datagram: nl_pid 0). */
static napi_value js_recvfrom(napi_env env, napi_callback_info info) {
  int32_t fd, flags;
  void *buf, *from;
  size_t len, fromlen;
  ARGS(4);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len) || !get_i32(env, argv[2], &flags) ||
      !get_bytes(env, argv[3], &from, &fromlen))
    return NULL;
  socklen_t alen = (socklen_t)(fromlen > sizeof(struct sockaddr_storage) ? sizeof(struct sockaddr_storage) : fromlen);
  ssize_t r = recvfrom(fd, buf, len, flags, (struct sockaddr *)from, &alen);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_read(napi_env env, napi_callback_info info) {
  int32_t fd;
  void *buf;
  size_t len;
  ARGS(2);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len)) return NULL;
  ssize_t r = read(fd, buf, len);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_write(napi_env env, napi_callback_info info) {
  int32_t fd;
  int64_t n;
  void *buf;
  size_t len;
  ARGS(3);
  if (!get_i32(env, argv[0], &fd) || !get_bytes(env, argv[1], &buf, &len) || !get_i64(env, argv[2], &n)) return NULL;
  if (n < 0 || (uint64_t)n > len) return num(env, -EINVAL);
  ssize_t r = write(fd, buf, (size_t)n);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  int32_t fd;
  ARGS(1);
  if (!get_i32(env, argv[0], &fd)) return NULL;
  int r = close(fd);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  char path[PATH_MAX];
  const char *p;
  int32_t flags, mode;
  ARGS(3);
  int s = get_str(env, argv[0], path, false, &p);
  if (s == THROWN) return NULL;
  if (s < 0) return num(env, s);
  if (!get_i32(env, argv[1], &flags) || !get_i32(env, argv[2], &mode)) return NULL;
  int r = open(p, flags, (mode_t)mode);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_ioctl_ptr(napi_env env, napi_callback_info info) {
  int32_t fd;
  uint32_t req;
  void *arg;
  size_t len;
  ARGS(3);
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req) || !get_bytes(env, argv[2], &arg, &len)) return NULL;
  int r = ioctl(fd, (unsigned long)req, arg);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_ioctl_int(napi_env env, napi_callback_info info) {
  int32_t fd;
  uint32_t req;
  int64_t arg;
  ARGS(3);
  if (!get_i32(env, argv[0], &fd) || !get_u32(env, argv[1], &req) || !get_i64(env, argv[2], &arg)) return NULL;
  int r = ioctl(fd, (unsigned long)req, (unsigned long)arg);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_setns(napi_env env, napi_callback_info info) {
  int32_t fd, nstype;
  ARGS(2);
  if (!get_i32(env, argv[0], &fd) || !get_i32(env, argv[1], &nstype)) return NULL;
  int r = setns(fd, nstype);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_unshare(napi_env env, napi_callback_info info) {
  int32_t flags;
  ARGS(1);
  if (!get_i32(env, argv[0], &flags)) return NULL;
  int r = unshare(flags);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_mount(napi_env env, napi_callback_info info) {
  char src[PATH_MAX], tgt[PATH_MAX], fs[PATH_MAX], data[PATH_MAX];
  const char *s, *t, *f, *d;
  int64_t flags;
  int st;
  ARGS(5);
  if ((st = get_str(env, argv[0], src, false, &s)) < 0 || (st = get_str(env, argv[1], tgt, false, &t)) < 0 ||
      (st = get_str(env, argv[2], fs, true, &f)) < 0 || (st = get_str(env, argv[4], data, true, &d)) < 0)
    return st == THROWN ? NULL : num(env, st);
  if (!get_i64(env, argv[3], &flags)) return NULL;
  int r = mount(s, t, f, (unsigned long)flags, d);
  int e = errno;
  return RESULT(r, e);
}

static napi_value js_umount2(napi_env env, napi_callback_info info) {
  char tgt[PATH_MAX];
  const char *t;
  int32_t flags;
  ARGS(2);
  int s = get_str(env, argv[0], tgt, false, &t);
  if (s == THROWN) return NULL;
  if (s < 0) return num(env, s);
  if (!get_i32(env, argv[1], &flags)) return NULL;
  int r = umount2(t, flags);
  int e = errno;
  return RESULT(r, e);
}

/* ---- readiness: uv_poll on the env's own loop ------------------------- */

typedef struct poller {
  uv_poll_t handle; /* first member: libuv hands back &handle */
  napi_env env;     /* NULL once the env is gone (see cleanup) */
  napi_ref callback;
  napi_async_context async;
  struct state *state;
  uint32_t id;
  bool closing;
} poller;

/* Per-env (per worker thread) table; ids index `slots`. A slot stays taken
 * until libuv's close callback has run, so ids are never reused early. */
typedef struct state {
  poller **slots;
  uint32_t size;
} state;

static void release_js(poller *p) {
  if (p->env == NULL) return;
  napi_delete_reference(p->env, p->callback);
  napi_async_destroy(p->env, p->async);
  p->env = NULL;
}

static void on_closed(uv_handle_t *h) {
  poller *p = (poller *)h;
  /* libuv no longer touches the handle: only now may its memory go. A
   * detached poller (env torn down) must not touch the freed state. */
  if (p->env != NULL) {
    p->state->slots[p->id] = NULL;
    release_js(p);
  }
  free(p);
}

static void on_readable(uv_poll_t *h, int status, int events) {
  (void)events;
  poller *p = (poller *)h;
  napi_env env = p->env;
  if (env == NULL || p->closing) return;
  napi_handle_scope scope;
  napi_value fn, self, result;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  /* `this` must be an object: with undefined, make_callback fails with an
   * exception left pending and the level-triggered poll fires forever. */
  if (napi_get_reference_value(env, p->callback, &fn) == napi_ok && fn != NULL &&
      napi_get_global(env, &self) == napi_ok) {
    /* make_callback (not call_function): it runs nextTicks and microtasks
     * afterwards, as Node does for its own I/O callbacks. */
    if (napi_make_callback(env, p->async, self, fn, 0, NULL, &result) == napi_pending_exception) {
      /* Node-API keeps a thrown error pending, which would make every later
       * call fail; hand it to the process like any uncaught exception. */
      napi_value err;
      if (napi_get_and_clear_last_exception(env, &err) == napi_ok) napi_fatal_exception(env, err);
    }
  }
  napi_close_handle_scope(env, scope);
  /* On POLLERR libuv stops the handle and reports UV_EBADF. A netlink socket
   * gets POLLERR on every receive-buffer overrun (the kernel sets sk_err =
   * ENOBUFS), which a monitor must survive: the callback above has been told
   * (its next recv() returns ENOBUFS, which clears sk_err), so re-arm unless
   * it closed the poller or the fd — epoll_ctl on a closed fd makes libuv
   * abort(). If the error was not consumed it is simply reported again, as
   * unread data would be. */
  if (status < 0 && !p->closing && p->env != NULL) {
    int fd;
    if (uv_fileno((uv_handle_t *)h, &fd) == 0 && fcntl(fd, F_GETFD) != -1) uv_poll_start(h, UV_READABLE, on_readable);
  }
}

static poller *lookup(napi_env env, napi_callback_info info, napi_value *argv) {
  state *st;
  int32_t id;
  if (!get_args(env, info, 1, argv, (void **)&st) || !get_i32(env, argv[0], &id)) return NULL;
  if (id < 0 || (uint32_t)id >= st->size) return NULL;
  poller *p = st->slots[id];
  return p != NULL && !p->closing ? p : NULL;
}

static napi_value js_poll_start(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  state *st;
  int32_t fd;
  napi_valuetype t;
  if (!get_args(env, info, 2, argv, (void **)&st) || !get_i32(env, argv[0], &fd)) return NULL;
  napi_typeof(env, argv[1], &t);
  if (t != napi_function) {
    napi_throw_type_error(env, NULL, "rtnl_shim: expected a function");
    return NULL;
  }
  uint32_t id = 0;
  while (id < st->size && st->slots[id] != NULL) id++;
  if (id == st->size) {
    uint32_t n = st->size ? st->size * 2 : 8;
    poller **grown = realloc(st->slots, n * sizeof *grown);
    if (grown == NULL) return num(env, -ENOMEM);
    memset(grown + st->size, 0, (n - st->size) * sizeof *grown);
    st->slots = grown;
    st->size = n;
  }
  poller *p = calloc(1, sizeof *p);
  if (p == NULL) return num(env, -ENOMEM);
  uv_loop_t *loop;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    free(p);
    return num(env, -EINVAL);
  }
  /* uv_poll_init sets O_NONBLOCK on fd and fails with EEXIST if another
   * handle of this loop already watches it; libuv errors are -errno. */
  int r = uv_poll_init(loop, &p->handle, fd);
  if (r < 0) {
    free(p); /* an init that failed registered nothing with the loop */
    return num(env, r);
  }
  napi_value name;
  napi_create_string_utf8(env, "rtnl:poll", NAPI_AUTO_LENGTH, &name);
  napi_create_reference(env, argv[1], 1, &p->callback);
  napi_async_init(env, NULL, name, &p->async);
  p->env = env;
  p->state = st;
  p->id = id;
  st->slots[id] = p;
  r = uv_poll_start(&p->handle, UV_READABLE, on_readable);
  if (r < 0) {
    p->closing = true;
    uv_close((uv_handle_t *)&p->handle, on_closed);
    return num(env, r);
  }
  return num(env, id);
}

static napi_value js_poll_ref(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  poller *p = lookup(env, info, argv);
  if (p != NULL) uv_ref((uv_handle_t *)&p->handle);
  return NULL;
}

static napi_value js_poll_unref(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  poller *p = lookup(env, info, argv);
  if (p != NULL) uv_unref((uv_handle_t *)&p->handle);
  return NULL;
}

static napi_value js_poll_close(napi_env env, napi_callback_info info) {
  napi_value argv[MAX_ARGS];
  poller *p = lookup(env, info, argv);
  if (p == NULL) return NULL;
  /* May run inside this poller's own callback: on_readable still holds p,
   * which is why freeing waits for on_closed. */
  p->closing = true;
  uv_poll_stop(&p->handle);
  uv_close((uv_handle_t *)&p->handle, on_closed);
  return NULL;
}

/* Env teardown (process exit, worker end): a worker's loop must have no open
 * handles when it is closed, and after this hook the env is gone, so drop the
 * JS references now and let on_closed only free memory. */
static void cleanup(void *arg) {
  state *st = arg;
  for (uint32_t i = 0; i < st->size; i++) {
    poller *p = st->slots[i];
    if (p == NULL) continue;
    release_js(p);
    if (!p->closing) {
      p->closing = true;
      uv_poll_stop(&p->handle);
      uv_close((uv_handle_t *)&p->handle, on_closed);
    }
  }
  free(st->slots);
  free(st);
}

NAPI_MODULE_INIT() {
  state *st = calloc(1, sizeof *st);
  if (st == NULL) {
    napi_throw_error(env, NULL, "rtnl_shim: out of memory");
    return NULL;
  }
  const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"socket", js_socket},       {"bind", js_bind},         {"getsockname", js_getsockname},
      {"setsockopt", js_setsockopt}, {"getsockopt", js_getsockopt}, {"send", js_send},
      {"recv", js_recv},           {"sendto", js_sendto},     {"recvfrom", js_recvfrom},
      {"read", js_read},         {"write", js_write},
      {"close", js_close},         {"open", js_open},         {"ioctlPtr", js_ioctl_ptr},
      {"ioctlInt", js_ioctl_int},  {"setns", js_setns},       {"unshare", js_unshare},
      {"mount", js_mount},         {"umount2", js_umount2},   {"pollStart", js_poll_start},
      {"pollRef", js_poll_ref},    {"pollUnref", js_poll_unref}, {"pollClose", js_poll_close},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, st, &f) != napi_ok ||
        napi_set_named_property(env, exports, fns[i].name, f) != napi_ok)
      return NULL;
  }
  napi_add_env_cleanup_hook(env, cleanup, st);
  return exports;
}
