// The shared parts of the addon: arguments, errors, async jobs, creating and closing a client.
#include "addon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

client *client_arg(napi_env env, napi_value value) {
  void *pointer = NULL;
  napi_get_value_external(env, value, &pointer);
  return pointer;
}

char *string_arg(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

int32_t int_arg(napi_env env, napi_value value) {
  int32_t result = 0;
  napi_get_value_int32(env, value, &result);
  return result;
}

/** [topic, partition, offset, topic, partition, offset, …] → a partition list (offset null = none). */
rd_kafka_topic_partition_list_t *partitions_arg(napi_env env, napi_value value) {
  uint32_t length = 0;
  napi_get_array_length(env, value, &length);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)(length / 3));
  for (uint32_t i = 0; i + 2 < length; i += 3) {
    napi_value topic, partition, offset;
    napi_get_element(env, value, i, &topic);
    napi_get_element(env, value, i + 1, &partition);
    napi_get_element(env, value, i + 2, &offset);
    char *name = string_arg(env, topic);
    rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_add(list, name, int_arg(env, partition));
    free(name);
    napi_valuetype type;
    napi_typeof(env, offset, &type);
    if (type == napi_number) {
      double at = 0;
      napi_get_value_double(env, offset, &at);
      p->offset = (int64_t)at;
    }
  }
  return list;
}

/** A partition list → [{ topic, partition, offset, error? }, …]. */
napi_value partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list) {
  napi_value result;
  napi_create_array_with_length(env, list ? (size_t)list->cnt : 0, &result);
  for (int i = 0; list && i < list->cnt; i++) {
    const rd_kafka_topic_partition_t *p = &list->elems[i];
    napi_value entry, topic, partition, offset;
    napi_create_object(env, &entry);
    napi_create_string_utf8(env, p->topic, NAPI_AUTO_LENGTH, &topic);
    napi_create_int32(env, p->partition, &partition);
    napi_create_double(env, (double)p->offset, &offset);
    napi_set_named_property(env, entry, "topic", topic);
    napi_set_named_property(env, entry, "partition", partition);
    napi_set_named_property(env, entry, "offset", offset);
    if (p->err) {
      error_info info;
      set_error(&info, p->err, rd_kafka_err2str(p->err));
      napi_set_named_property(env, entry, "error", error_value(env, &info));
    }
    napi_set_element(env, result, (uint32_t)i, entry);
  }
  return result;
}

void set_error(error_info *info, rd_kafka_resp_err_t code, const char *message) {
  memset(info, 0, sizeof *info);
  info->code = code;
  info->fatal = code == RD_KAFKA_RESP_ERR__FATAL;
  snprintf(info->message, sizeof info->message, "%s", message);
}

void take_error(error_info *info, rd_kafka_error_t *error) {
  set_error(info, rd_kafka_error_code(error), rd_kafka_error_string(error));
  info->fatal = rd_kafka_error_is_fatal(error);
  info->retriable = rd_kafka_error_is_retriable(error);
  info->txn_requires_abort = rd_kafka_error_txn_requires_abort(error);
  rd_kafka_error_destroy(error);
}

napi_value error_value(napi_env env, const error_info *info) {
  napi_value message, error, code, fatal, retriable, abort;
  napi_create_string_utf8(env, info->message, NAPI_AUTO_LENGTH, &message);
  napi_create_error(env, NULL, message, &error);
  napi_create_int32(env, info->code, &code);
  napi_get_boolean(env, info->fatal, &fatal);
  napi_get_boolean(env, info->retriable, &retriable);
  napi_get_boolean(env, info->txn_requires_abort, &abort);
  napi_set_named_property(env, error, "code", code);
  napi_set_named_property(env, error, "isFatal", fatal);
  napi_set_named_property(env, error, "isRetriable", retriable);
  napi_set_named_property(env, error, "isTxnRequiresAbort", abort);
  return error;
}

napi_value throw_info(napi_env env, const error_info *info) {
  napi_throw(env, error_value(env, info));
  return NULL;
}

job *new_job(client *c, job_run run, job_settle settle, int timeout_ms) {
  job *j = calloc(1, sizeof *j);
  j->c = c;
  j->run = run;
  j->settle = settle;
  j->timeout_ms = timeout_ms;
  return j;
}

static void execute_job(napi_env env, void *data) {
  (void)env;
  job *j = data;
  j->run(j);
}

static void complete_job(napi_env env, napi_status status, void *data) {
  (void)status;
  job *j = data;
  if (j->failed) napi_reject_deferred(env, j->deferred, error_value(env, &j->error));
  else napi_resolve_deferred(env, j->deferred, j->settle(env, j));
  if (j->partitions) rd_kafka_topic_partition_list_destroy(j->partitions);
  if (j->group) rd_kafka_consumer_group_metadata_destroy(j->group);
  if (j->metadata) rd_kafka_metadata_destroy(j->metadata);
  napi_delete_async_work(env, j->work);
  free(j);
}

/** Queues the job on libuv's pool; the promise settles with `settle`'s value or the job's error. */
napi_value start_job(napi_env env, job *j) {
  napi_value promise, name;
  CHECK(env, napi_create_promise(env, &j->deferred, &promise));
  CHECK(env, napi_create_string_utf8(env, "rivulet-kafka", NAPI_AUTO_LENGTH, &name));
  CHECK(env, napi_create_async_work(env, NULL, name, execute_job, complete_job, j, &j->work));
  CHECK(env, napi_queue_async_work(env, j->work));
  return promise;
}

napi_value settle_undefined(napi_env env, job *j) {
  (void)j;
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static void on_error(rd_kafka_t *rk, int code, const char *reason, void *opaque) {
  client *c = opaque;
  if (code != RD_KAFKA_RESP_ERR__FATAL) return;  // transient: librdkafka retries by itself
  char why[512];
  rd_kafka_resp_err_t cause = rd_kafka_fatal_error(rk, why, sizeof why);
  pthread_mutex_lock(&c->lock);
  if (!c->fatal.message[0]) {
    set_error(&c->fatal, cause ? cause : (rd_kafka_resp_err_t)code, cause ? why : reason);
    c->fatal.fatal = true;
  }
  pthread_mutex_unlock(&c->lock);
}

/** librdkafka's log lines would go to stderr; its errors reach the engine through error_cb and results. */
static void on_log(const rd_kafka_t *rk, int level, const char *facility, const char *line) {
  (void)rk, (void)level, (void)facility, (void)line;
}

/** create(kind: 'consumer' | 'producer', settings: [key, value, key, value, …]) → handle */
napi_value create_client(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char *kind = string_arg(env, argv[0]);
  client *c = calloc(1, sizeof *c);
  c->consumer = kind && strcmp(kind, "consumer") == 0;
  free(kind);
  pthread_mutex_init(&c->lock, NULL);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  uint32_t length = 0;
  CHECK(env, napi_get_array_length(env, argv[1], &length));
  char reason[512];
  for (uint32_t i = 0; i + 1 < length; i += 2) {
    napi_value key, value;
    napi_get_element(env, argv[1], i, &key);
    napi_get_element(env, argv[1], i + 1, &value);
    char *k = string_arg(env, key), *v = string_arg(env, value);
    rd_kafka_conf_res_t result = rd_kafka_conf_set(conf, k, v, reason, sizeof reason);
    free(k);
    free(v);
    if (result != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      destroy_client(c);
      napi_throw_error(env, NULL, reason);
      return NULL;
    }
  }
  rd_kafka_conf_set_opaque(conf, c);
  rd_kafka_conf_set_error_cb(conf, on_error);
  rd_kafka_conf_set_log_cb(conf, on_log);
  if (c->consumer) configure_consumer(conf, c);
  else configure_producer(conf, c);
  c->rk = rd_kafka_new(c->consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (!c->rk) {
    rd_kafka_conf_destroy(conf);
    destroy_client(c);
    napi_throw_error(env, NULL, reason);
    return NULL;
  }
  if (c->consumer) rd_kafka_poll_set_consumer(c->rk);
  napi_value handle;
  CHECK(env, napi_create_external(env, c, NULL, NULL, &handle));
  return handle;
}

/** Frees what the callbacks collected and the client itself (librdkafka's handle is gone by then). */
void destroy_client(client *c) {
  while (c->events) {
    rebalance_event *next = c->events->next;
    rd_kafka_topic_partition_list_destroy(c->events->partitions);
    free(c->events);
    c->events = next;
  }
  while (c->failures) {
    delivery_failure *next = c->failures->next;
    free(c->failures->topic);
    free(c->failures);
    c->failures = next;
  }
  free(c->topics);
  pthread_mutex_destroy(&c->lock);
  free(c);
}

static void run_close(job *j) {
  client *c = j->c;
  if (c->consumer) {
    pthread_mutex_lock(&c->lock);
    c->closing = true;
    pthread_mutex_unlock(&c->lock);
    if (c->held) rd_kafka_message_destroy(c->held);
    rd_kafka_consumer_close(c->rk);
  }
  for (int i = 0; i < c->topic_count; i++) rd_kafka_topic_destroy(c->topics[i]);
  rd_kafka_destroy(c->rk);
  destroy_client(c);
}

/** close(handle) → Promise: leaves the group (consumer), then releases the client. */
static napi_value close_client(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  return start_job(env, new_job(client_arg(env, argv[0]), run_close, settle_undefined, 0));
}

/** fatalError(handle) → the error that made the client unusable, or null. */
static napi_value fatal_error(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  error_info fatal;
  pthread_mutex_lock(&c->lock);
  fatal = c->fatal;
  pthread_mutex_unlock(&c->lock);
  if (fatal.message[0]) return error_value(env, &fatal);
  napi_get_null(env, &result);
  return result;
}

/** Fills the job's partitions from a ListOffsets answer; a partition it does not name keeps an error. */
static void run_list_offsets(job *j) {
  rd_kafka_t *rk = j->c->rk;
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_LISTOFFSETS);
  char reason[256];
  rd_kafka_AdminOptions_set_request_timeout(options, j->timeout_ms, reason, sizeof reason);
  rd_kafka_error_t *error = rd_kafka_AdminOptions_set_isolation_level(
      options, j->read_committed ? RD_KAFKA_ISOLATION_LEVEL_READ_COMMITTED : RD_KAFKA_ISOLATION_LEVEL_READ_UNCOMMITTED);
  if (error) {
    j->failed = true, take_error(&j->error, error);
  } else {
    rd_kafka_ListOffsets(rk, j->partitions, options, queue);
    for (int i = 0; i < j->partitions->cnt; i++) j->partitions->elems[i].err = RD_KAFKA_RESP_ERR__NOENT;
    rd_kafka_event_t *event = rd_kafka_queue_poll(queue, j->timeout_ms + 1000);
    if (!event) {
      j->failed = true, set_error(&j->error, RD_KAFKA_RESP_ERR__TIMED_OUT, "listing offsets timed out");
    } else if (rd_kafka_event_error(event)) {
      j->failed = true, set_error(&j->error, rd_kafka_event_error(event), rd_kafka_event_error_string(event));
    } else {
      size_t count = 0;
      const rd_kafka_ListOffsetsResultInfo_t **infos =
          rd_kafka_ListOffsets_result_infos(rd_kafka_event_ListOffsets_result(event), &count);
      for (size_t i = 0; i < count; i++) {
        const rd_kafka_topic_partition_t *answer = rd_kafka_ListOffsetsResultInfo_topic_partition(infos[i]);
        rd_kafka_topic_partition_t *asked =
            rd_kafka_topic_partition_list_find(j->partitions, answer->topic, answer->partition);
        if (asked) asked->offset = answer->offset, asked->err = answer->err;
      }
    }
    if (event) rd_kafka_event_destroy(event);
  }
  rd_kafka_AdminOptions_destroy(options);
  rd_kafka_queue_destroy(queue);
}

static napi_value settle_list_offsets(napi_env env, job *j) {
  return partitions_value(env, j->partitions);
}

/**
 * listOffsets(client, [topic, partition, spec, …], readCommitted, timeoutMs) → Promise<partitions>:
 * spec -1 the end (the last stable offset when readCommitted), -2 the beginning; per-partition errors.
 */
static napi_value list_offsets(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  job *j = new_job(client_arg(env, argv[0]), run_list_offsets, settle_list_offsets, int_arg(env, argv[3]));
  j->partitions = partitions_arg(env, argv[1]);
  napi_get_value_bool(env, argv[2], &j->read_committed);
  return start_job(env, j);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"create", NULL, create_client, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, close_client, NULL, NULL, NULL, napi_default_method, NULL},
      {"fatalError", NULL, fatal_error, NULL, NULL, NULL, napi_default_method, NULL},
      {"listOffsets", NULL, list_offsets, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  consumer_exports(env, exports);
  producer_exports(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
