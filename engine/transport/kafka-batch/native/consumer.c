// The consumer: a batch of records crosses into JavaScript as one Buffer holding keys, values and
// headers, an Int32Array index and a Float64Array of offsets and timestamps. The rebalance callback
// only queues the event: JavaScript runs the engine's listener, then calls assign/unassign, which
// librdkafka waits for.
#include <stdlib.h>
#include <string.h>

#include "addon.h"

/** Per record in the index: topic (into the batch's topic names), partition, key offset and length,
 * value offset and length (length -1 = null), headers offset and count. */
#define INDEX_WIDTH 8
/** Per record in the meta array: offset, timestamp. */
#define META_WIDTH 2
#define MAX_BATCH 10000
#define MAX_TOPICS 1024

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t kind, rd_kafka_topic_partition_list_t *partitions,
                         void *opaque) {
  client *c = opaque;
  pthread_mutex_lock(&c->lock);
  if (c->closing) {
    // close(): the engine has committed and closed its tasks already.
    pthread_mutex_unlock(&c->lock);
    rd_kafka_assign(rk, NULL);
    return;
  }
  rebalance_event *event = calloc(1, sizeof *event);
  event->kind = kind;
  event->partitions = rd_kafka_topic_partition_list_copy(partitions);
  rebalance_event **tail = &c->events;
  while (*tail) tail = &(*tail)->next;
  *tail = event;
  pthread_mutex_unlock(&c->lock);
}

void configure_consumer(rd_kafka_conf_t *conf, client *c) {
  (void)c;
  rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
}

static napi_value call_result(napi_env env, const char *doing, rd_kafka_resp_err_t err) {
  if (!err) return NULL;
  error_info info;
  char message[400];
  snprintf(message, sizeof message, "%s: %s", doing, rd_kafka_err2str(err));
  set_error(&info, err, message);
  return throw_info(env, &info);
}

/** subscribe(consumer, topics: string[]) */
static napi_value subscribe(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  uint32_t length = 0;
  CHECK(env, napi_get_array_length(env, argv[1], &length));
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new((int)length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value topic;
    napi_get_element(env, argv[1], i, &topic);
    char *name = string_arg(env, topic);
    rd_kafka_topic_partition_list_add(topics, name, RD_KAFKA_PARTITION_UA);
    free(name);
  }
  rd_kafka_resp_err_t err = rd_kafka_subscribe(c->rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  return call_result(env, "subscribe", err);
}

/** assign(consumer, [topic, partition, offset | null, …] | null): null = unassign. */
static napi_value assign(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  napi_valuetype type;
  napi_typeof(env, argv[1], &type);
  rd_kafka_topic_partition_list_t *list = type == napi_null ? NULL : partitions_arg(env, argv[1]);
  rd_kafka_resp_err_t err = rd_kafka_assign(c->rk, list);
  if (list) rd_kafka_topic_partition_list_destroy(list);
  return call_result(env, list ? "assign" : "unassign", err);
}

/** takeEvents(consumer) → [{ kind: 'assign' | 'revoke', partitions }, …] since the last call. */
static napi_value take_events(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  pthread_mutex_lock(&c->lock);
  rebalance_event *events = c->events;
  c->events = NULL;
  pthread_mutex_unlock(&c->lock);
  CHECK(env, napi_create_array(env, &result));
  uint32_t i = 0;
  while (events) {
    rebalance_event *next = events->next;
    napi_value entry, kind;
    napi_create_object(env, &entry);
    napi_create_string_utf8(env, events->kind == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? "assign" : "revoke",
                            NAPI_AUTO_LENGTH, &kind);
    napi_set_named_property(env, entry, "kind", kind);
    napi_set_named_property(env, entry, "partitions", partitions_value(env, events->partitions));
    napi_set_element(env, result, i++, entry);
    rd_kafka_topic_partition_list_destroy(events->partitions);
    free(events);
    events = next;
  }
  return result;
}

static size_t headers_size(rd_kafka_message_t *m, size_t *count) {
  rd_kafka_headers_t *headers = NULL;
  *count = 0;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  size_t bytes = 0;
  const char *name;
  const void *value;
  size_t size;
  for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; i++) {
    bytes += 8 + strlen(name) + (value ? size : 0);
    (*count)++;
  }
  return bytes;
}

/** Headers as [u32 name length][name][i32 value length, -1 = null][value], little-endian. */
static size_t write_headers(rd_kafka_message_t *m, char *out) {
  rd_kafka_headers_t *headers = NULL;
  if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
  size_t at = 0;
  const char *name;
  const void *value;
  size_t size;
  for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR; i++) {
    int32_t name_length = (int32_t)strlen(name), value_length = value ? (int32_t)size : -1;
    memcpy(out + at, &name_length, 4);
    memcpy(out + at + 4, name, (size_t)name_length);
    at += 4 + (size_t)name_length;
    memcpy(out + at, &value_length, 4);
    at += 4;
    if (value) memcpy(out + at, value, size), at += size;
  }
  return at;
}

/**
 * consume(consumer, max) → [data, index, meta, count, topics, eofs, error]: what is queued now, up to
 * max records, without waiting. eofs: [topic, partition, offset, …] of partitions read to their end;
 * error: the first error a fetch reported, or null (the records around it are delivered all the same:
 * the fetch positions are past them).
 */
static napi_value consume(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  int32_t max = int_arg(env, argv[1]);
  if (max > MAX_BATCH) max = MAX_BATCH;
  if (max < 1) max = 1;
  rd_kafka_message_t **messages = malloc(sizeof *messages * (size_t)max);
  ssize_t taken = 0;
  if (c->held) messages[taken++] = c->held, c->held = NULL;
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(c->rk);
  ssize_t more = rd_kafka_consume_batch_queue(queue, 0, messages + taken, (size_t)(max - taken));
  rd_kafka_queue_destroy(queue);
  if (more > 0) taken += more;

  napi_value eofs, error, topics;
  CHECK(env, napi_create_array(env, &eofs));
  CHECK(env, napi_get_null(env, &error));
  CHECK(env, napi_create_array(env, &topics));
  uint32_t eof_count = 0;
  bool errored = false;
  size_t bytes = 0, header_count;
  ssize_t count = 0;
  for (ssize_t i = 0; i < taken; i++) {
    rd_kafka_message_t *m = messages[i];
    if (!m->err) {
      bytes += (m->key ? m->key_len : 0) + (m->payload ? m->len : 0) + headers_size(m, &header_count);
      count++;
    } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
      napi_value topic, partition, offset;
      napi_create_string_utf8(env, rd_kafka_topic_name(m->rkt), NAPI_AUTO_LENGTH, &topic);
      napi_create_int32(env, m->partition, &partition);
      napi_create_double(env, (double)m->offset, &offset);
      napi_set_element(env, eofs, eof_count++, topic);
      napi_set_element(env, eofs, eof_count++, partition);
      napi_set_element(env, eofs, eof_count++, offset);
    } else if (!errored) {
      errored = true;
      error_info e;
      char message[400];
      snprintf(message, sizeof message, "%s (%s-%d)", rd_kafka_message_errstr(m),
               m->rkt ? rd_kafka_topic_name(m->rkt) : "?", m->partition);
      set_error(&e, m->err, message);
      error = error_value(env, &e);
    }
  }

  napi_value data, index_buffer, meta_buffer, index, meta;
  char *out;
  int32_t *ints;
  double *nums;
  CHECK(env, napi_create_buffer(env, bytes, (void **)&out, &data));
  CHECK(env, napi_create_arraybuffer(env, (size_t)count * INDEX_WIDTH * 4, (void **)&ints, &index_buffer));
  CHECK(env, napi_create_arraybuffer(env, (size_t)count * META_WIDTH * 8, (void **)&nums, &meta_buffer));
  rd_kafka_topic_t *seen[MAX_TOPICS];
  int seen_count = 0;
  size_t at = 0;
  ssize_t row = 0;
  for (ssize_t i = 0; i < taken; i++) {
    rd_kafka_message_t *m = messages[i];
    if (!m->err) {
      int topic = 0;
      while (topic < seen_count && seen[topic] != m->rkt) topic++;
      if (topic == seen_count && seen_count < MAX_TOPICS) {
        napi_value name;
        napi_create_string_utf8(env, rd_kafka_topic_name(m->rkt), NAPI_AUTO_LENGTH, &name);
        napi_set_element(env, topics, (uint32_t)seen_count, name);
        seen[seen_count++] = m->rkt;
      }
      int32_t *r = ints + row * INDEX_WIDTH;
      r[0] = topic;
      r[1] = m->partition;
      r[2] = (int32_t)at;
      r[3] = m->key ? (int32_t)m->key_len : -1;
      if (m->key) memcpy(out + at, m->key, m->key_len), at += m->key_len;
      r[4] = (int32_t)at;
      r[5] = m->payload ? (int32_t)m->len : -1;
      if (m->payload) memcpy(out + at, m->payload, m->len), at += m->len;
      r[6] = (int32_t)at;
      headers_size(m, &header_count);
      r[7] = (int32_t)header_count;
      if (header_count) at += write_headers(m, out + at);
      nums[row * META_WIDTH] = (double)m->offset;
      nums[row * META_WIDTH + 1] = (double)rd_kafka_message_timestamp(m, NULL);
      row++;
    }
    rd_kafka_message_destroy(m);
  }
  free(messages);
  CHECK(env, napi_create_typedarray(env, napi_int32_array, (size_t)count * INDEX_WIDTH, index_buffer, 0, &index));
  CHECK(env, napi_create_typedarray(env, napi_float64_array, (size_t)count * META_WIDTH, meta_buffer, 0, &meta));
  napi_value result, count_value;
  CHECK(env, napi_create_array_with_length(env, 7, &result));
  CHECK(env, napi_create_int32(env, (int32_t)count, &count_value));
  napi_value parts[] = {data, index, meta, count_value, topics, eofs, error};
  for (uint32_t i = 0; i < 7; i++) napi_set_element(env, result, i, parts[i]);
  return result;
}

static void run_wait(job *j) {
  rd_kafka_message_t *m = rd_kafka_consumer_poll(j->c->rk, j->timeout_ms);
  if (m) j->c->held = m;
}

static napi_value settle_wait(napi_env env, job *j) {
  napi_value arrived;
  napi_get_boolean(env, j->c->held != NULL, &arrived);
  return arrived;
}

/**
 * waitForRecords(consumer, timeoutMs) → Promise<boolean>: waits off the JavaScript thread until a
 * record (or a rebalance, or an error) is there; the next consume returns it.
 */
static napi_value wait_for_records(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  return start_job(env, new_job(client_arg(env, argv[0]), run_wait, settle_wait, int_arg(env, argv[1])));
}

/** pause(consumer, [topic, partition, null, …], paused: boolean) */
static napi_value pause_or_resume(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  bool paused = false;
  napi_get_value_bool(env, argv[2], &paused);
  rd_kafka_topic_partition_list_t *list = partitions_arg(env, argv[1]);
  rd_kafka_resp_err_t err =
      paused ? rd_kafka_pause_partitions(c->rk, list) : rd_kafka_resume_partitions(c->rk, list);
  rd_kafka_topic_partition_list_destroy(list);
  return call_result(env, paused ? "pause" : "resume", err);
}

/** position(consumer, [topic, partition, null, …]) → [{ topic, partition, offset }] (-1001: none yet). */
static napi_value position(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  rd_kafka_topic_partition_list_t *list = partitions_arg(env, argv[1]);
  rd_kafka_resp_err_t err = rd_kafka_position(c->rk, list);
  napi_value result = err ? call_result(env, "position", err) : partitions_value(env, list);
  rd_kafka_topic_partition_list_destroy(list);
  return result;
}

static napi_value settle_partitions(napi_env env, job *j) {
  return partitions_value(env, j->partitions);
}

static void run_seek(job *j) {
  rd_kafka_error_t *error = rd_kafka_seek_partitions(j->c->rk, j->partitions, j->timeout_ms);
  if (error) j->failed = true, take_error(&j->error, error);
}

static void run_commit(job *j) {
  rd_kafka_resp_err_t err = rd_kafka_commit(j->c->rk, j->partitions, 0);
  if (err) j->failed = true, set_error(&j->error, err, rd_kafka_err2str(err));
}

static void run_committed(job *j) {
  rd_kafka_resp_err_t err = rd_kafka_committed(j->c->rk, j->partitions, j->timeout_ms);
  if (err) j->failed = true, set_error(&j->error, err, rd_kafka_err2str(err));
}

/** A call over a partition list, off the JavaScript thread; resolves to the list with per-partition errors. */
static napi_value partitions_job(napi_env env, napi_callback_info info, job_run run) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  job *j = new_job(client_arg(env, argv[0]), run, settle_partitions, argc > 2 ? int_arg(env, argv[2]) : 0);
  j->partitions = partitions_arg(env, argv[1]);
  return start_job(env, j);
}

/** seek(consumer, [topic, partition, offset, …], timeoutMs) → Promise<partitions> */
static napi_value seek(napi_env env, napi_callback_info info) {
  return partitions_job(env, info, run_seek);
}

/** commit(consumer, [topic, partition, offset, …]) → Promise<partitions>: synchronous commit. */
static napi_value commit(napi_env env, napi_callback_info info) {
  return partitions_job(env, info, run_commit);
}

/** committed(consumer, [topic, partition, null, …], timeoutMs) → Promise<partitions> */
static napi_value committed(napi_env env, napi_callback_info info) {
  return partitions_job(env, info, run_committed);
}

napi_value consumer_exports(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"subscribe", NULL, subscribe, NULL, NULL, NULL, napi_default_method, NULL},
      {"assign", NULL, assign, NULL, NULL, NULL, napi_default_method, NULL},
      {"takeEvents", NULL, take_events, NULL, NULL, NULL, napi_default_method, NULL},
      {"consume", NULL, consume, NULL, NULL, NULL, napi_default_method, NULL},
      {"waitForRecords", NULL, wait_for_records, NULL, NULL, NULL, napi_default_method, NULL},
      {"pauseOrResume", NULL, pause_or_resume, NULL, NULL, NULL, napi_default_method, NULL},
      {"position", NULL, position, NULL, NULL, NULL, napi_default_method, NULL},
      {"seek", NULL, seek, NULL, NULL, NULL, napi_default_method, NULL},
      {"commit", NULL, commit, NULL, NULL, NULL, napi_default_method, NULL},
      {"committed", NULL, committed, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}
