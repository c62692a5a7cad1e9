// The producer: one call per record with the topic as a registered id and key and value as Buffers
// (librdkafka copies them), delivery reports for failures only, collected here for JavaScript to take
// after a flush; transactions and the metadata load run off the JavaScript thread.
#include <stdlib.h>
#include <string.h>

#include "addon.h"

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  if (!m->err) return;
  client *c = opaque;
  delivery_failure *failure = calloc(1, sizeof *failure);
  failure->topic = strdup(rd_kafka_topic_name(m->rkt));
  failure->partition = m->partition;
  failure->timestamp = rd_kafka_message_timestamp(m, NULL);
  set_error(&failure->error, m->err, rd_kafka_err2str(m->err));  // errstr would be the payload here
  pthread_mutex_lock(&c->lock);
  failure->next = c->failures;
  c->failures = failure;
  pthread_mutex_unlock(&c->lock);
}

void configure_producer(rd_kafka_conf_t *conf, client *c) {
  (void)c;
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
}

/** topic(producer, name) → the id produce() takes for it. */
static napi_value topic(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], id;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  char *name = string_arg(env, argv[1]);
  rd_kafka_topic_t *handle = rd_kafka_topic_new(c->rk, name, NULL);
  free(name);
  if (!handle) {
    error_info e;
    set_error(&e, rd_kafka_last_error(), rd_kafka_err2str(rd_kafka_last_error()));
    return throw_info(env, &e);
  }
  c->topics = realloc(c->topics, sizeof *c->topics * (size_t)(c->topic_count + 1));
  c->topics[c->topic_count] = handle;
  CHECK(env, napi_create_int32(env, c->topic_count++, &id));
  return id;
}

static bool bytes_arg(napi_env env, napi_value value, void **bytes, size_t *length) {
  bool buffer = false;
  napi_is_buffer(env, value, &buffer);
  if (!buffer) return false;
  napi_get_buffer_info(env, value, bytes, length);
  return true;
}

/** [name, value | null, …] → librdkafka headers, or NULL for an empty list. */
static rd_kafka_headers_t *headers_arg(napi_env env, napi_value value) {
  bool array = false;
  napi_is_array(env, value, &array);
  uint32_t length = 0;
  if (array) napi_get_array_length(env, value, &length);
  if (length < 2) return NULL;
  rd_kafka_headers_t *headers = rd_kafka_headers_new(length / 2);
  for (uint32_t i = 0; i + 1 < length; i += 2) {
    napi_value name_value, header_value;
    napi_get_element(env, value, i, &name_value);
    napi_get_element(env, value, i + 1, &header_value);
    char *name = string_arg(env, name_value);
    void *bytes = NULL;
    size_t size = 0;
    bytes_arg(env, header_value, &bytes, &size);
    rd_kafka_header_add(headers, name, -1, bytes, (ssize_t)size);
    free(name);
  }
  return headers;
}

/**
 * produce(producer, topicId, partition, key, value, timestampMs, headers) → 0, or librdkafka's error
 * code (-184 = queue full: poll and try again). Partition -1 = the partitioner; key, value: Buffer or
 * null; headers: [name, Buffer, …] or null.
 */
static napi_value produce(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  int32_t topic_id = int_arg(env, argv[1]);
  int32_t partition = int_arg(env, argv[2]);
  void *key = NULL, *value = NULL;
  size_t key_length = 0, value_length = 0;
  bytes_arg(env, argv[3], &key, &key_length);
  bytes_arg(env, argv[4], &value, &value_length);
  double timestamp = 0;
  napi_get_value_double(env, argv[5], &timestamp);
  rd_kafka_headers_t *headers = headers_arg(env, argv[6]);
  rd_kafka_resp_err_t err;
  if (topic_id < 0 || topic_id >= c->topic_count) err = RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
  else if (headers)
    err = rd_kafka_producev(c->rk, RD_KAFKA_V_RKT(c->topics[topic_id]), RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_length),
                            RD_KAFKA_V_VALUE(value, value_length), RD_KAFKA_V_TIMESTAMP((int64_t)timestamp),
                            RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
  else
    err = rd_kafka_producev(c->rk, RD_KAFKA_V_RKT(c->topics[topic_id]), RD_KAFKA_V_PARTITION(partition),
                            RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key, key_length),
                            RD_KAFKA_V_VALUE(value, value_length), RD_KAFKA_V_TIMESTAMP((int64_t)timestamp),
                            RD_KAFKA_V_END);
  if (err && headers) rd_kafka_headers_destroy(headers);  // librdkafka owns them only once enqueued
  CHECK(env, napi_create_int32(env, err, &result));
  return result;
}

/** errorMessage(code) → librdkafka's text for an error code. */
static napi_value error_message(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], text;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, napi_create_string_utf8(env, rd_kafka_err2str(int_arg(env, argv[0])), NAPI_AUTO_LENGTH, &text));
  return text;
}

/** poll(client): serves librdkafka's callbacks (delivery failures, errors) without waiting. */
static napi_value poll(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_poll(client_arg(env, argv[0])->rk, 0);
  return NULL;
}

/** takeFailures(producer) → [{ topic, partition, timestampMs, error }] in the order they were reported. */
static napi_value take_failures(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  client *c = client_arg(env, argv[0]);
  pthread_mutex_lock(&c->lock);
  delivery_failure *reversed = c->failures, *failures = NULL;
  c->failures = NULL;
  pthread_mutex_unlock(&c->lock);
  while (reversed) {
    delivery_failure *next = reversed->next;
    reversed->next = failures;
    failures = reversed;
    reversed = next;
  }
  CHECK(env, napi_create_array(env, &result));
  for (uint32_t i = 0; failures; i++) {
    delivery_failure *next = failures->next;
    napi_value entry, topic_name, partition, timestamp;
    napi_create_object(env, &entry);
    napi_create_string_utf8(env, failures->topic, NAPI_AUTO_LENGTH, &topic_name);
    napi_create_int32(env, failures->partition, &partition);
    napi_create_double(env, (double)failures->timestamp, &timestamp);
    napi_set_named_property(env, entry, "topic", topic_name);
    napi_set_named_property(env, entry, "partition", partition);
    napi_set_named_property(env, entry, "timestampMs", timestamp);
    napi_set_named_property(env, entry, "error", error_value(env, &failures->error));
    napi_set_element(env, result, i, entry);
    free(failures->topic);
    free(failures);
    failures = next;
  }
  return result;
}

static void run_flush(job *j) {
  rd_kafka_resp_err_t err = rd_kafka_flush(j->c->rk, j->timeout_ms);
  if (err) j->failed = true, set_error(&j->error, err, rd_kafka_err2str(err));
}

static void run_metadata(job *j) {
  rd_kafka_resp_err_t err = rd_kafka_metadata(j->c->rk, 1, NULL, &j->metadata, j->timeout_ms);
  if (err) j->failed = true, set_error(&j->error, err, rd_kafka_err2str(err));
}

/** { topic: partition count } of the topics the cluster answered for without an error. */
static napi_value settle_metadata(napi_env env, job *j) {
  napi_value counts, count;
  napi_create_object(env, &counts);
  for (int i = 0; i < j->metadata->topic_cnt; i++) {
    const rd_kafka_metadata_topic_t *t = &j->metadata->topics[i];
    if (t->err) continue;
    napi_create_int32(env, t->partition_cnt, &count);
    napi_set_named_property(env, counts, t->topic, count);
  }
  return counts;
}

static void run_init_transactions(job *j) {
  rd_kafka_error_t *error = rd_kafka_init_transactions(j->c->rk, j->timeout_ms);
  if (error) j->failed = true, take_error(&j->error, error);
}

static void run_commit_transaction(job *j) {
  rd_kafka_error_t *error = rd_kafka_commit_transaction(j->c->rk, j->timeout_ms);
  if (error) j->failed = true, take_error(&j->error, error);
}

static void run_abort_transaction(job *j) {
  rd_kafka_error_t *error = rd_kafka_abort_transaction(j->c->rk, j->timeout_ms);
  if (error) j->failed = true, take_error(&j->error, error);
}

static void run_send_offsets(job *j) {
  rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(j->c->rk, j->partitions, j->group, j->timeout_ms);
  if (error) j->failed = true, take_error(&j->error, error);
}

/** A call with a timeout, off the JavaScript thread: (producer, timeoutMs) → Promise. */
static napi_value timed_job(napi_env env, napi_callback_info info, job_run run, job_settle settle) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  return start_job(env, new_job(client_arg(env, argv[0]), run, settle, int_arg(env, argv[1])));
}

/** flush(producer, timeoutMs) → Promise: every enqueued record acknowledged or failed. */
static napi_value flush(napi_env env, napi_callback_info info) {
  return timed_job(env, info, run_flush, settle_undefined);
}

/** metadata(producer, timeoutMs) → Promise<{ topic: partition count }> */
static napi_value metadata(napi_env env, napi_callback_info info) {
  return timed_job(env, info, run_metadata, settle_metadata);
}

static napi_value init_transactions(napi_env env, napi_callback_info info) {
  return timed_job(env, info, run_init_transactions, settle_undefined);
}

static napi_value commit_transaction(napi_env env, napi_callback_info info) {
  return timed_job(env, info, run_commit_transaction, settle_undefined);
}

static napi_value abort_transaction(napi_env env, napi_callback_info info) {
  return timed_job(env, info, run_abort_transaction, settle_undefined);
}

/** beginTransaction(producer): local, does not wait. */
static napi_value begin_transaction(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_error_t *error = rd_kafka_begin_transaction(client_arg(env, argv[0])->rk);
  if (!error) return NULL;
  error_info e;
  take_error(&e, error);
  return throw_info(env, &e);
}

/**
 * sendOffsets(producer, consumer, [topic, partition, offset, …], timeoutMs) → Promise: the offsets
 * join the transaction, fenced by the consumer's group generation (EOS v2).
 */
static napi_value send_offsets(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  job *j = new_job(client_arg(env, argv[0]), run_send_offsets, settle_undefined, int_arg(env, argv[3]));
  j->group = rd_kafka_consumer_group_metadata(client_arg(env, argv[1])->rk);
  j->partitions = partitions_arg(env, argv[2]);
  return start_job(env, j);
}

napi_value producer_exports(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"topic", NULL, topic, NULL, NULL, NULL, napi_default_method, NULL},
      {"produce", NULL, produce, NULL, NULL, NULL, napi_default_method, NULL},
      {"errorMessage", NULL, error_message, NULL, NULL, NULL, napi_default_method, NULL},
      {"poll", NULL, poll, NULL, NULL, NULL, napi_default_method, NULL},
      {"takeFailures", NULL, take_failures, NULL, NULL, NULL, napi_default_method, NULL},
      {"flush", NULL, flush, NULL, NULL, NULL, napi_default_method, NULL},
      {"metadata", NULL, metadata, NULL, NULL, NULL, napi_default_method, NULL},
      {"initTransactions", NULL, init_transactions, NULL, NULL, NULL, napi_default_method, NULL},
      {"beginTransaction", NULL, begin_transaction, NULL, NULL, NULL, napi_default_method, NULL},
      {"sendOffsets", NULL, send_offsets, NULL, NULL, NULL, napi_default_method, NULL},
      {"commitTransaction", NULL, commit_transaction, NULL, NULL, NULL, napi_default_method, NULL},
      {"abortTransaction", NULL, abort_transaction, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}
