// A prototype of the batch data plane (issue #15), for the bench only: librdkafka's consumer and
// producer driven through N-API with one call per batch. A consumed batch is one Buffer holding every
// key and value, an Int32Array index (partition, key offset, key length, value offset, value length
// per record; length -1 = null) and a Float64Array (offset, timestamp per record). A produced batch is
// the same three arrays. It measures what the per-message binding costs against a batch crossing.
#include <node_api.h>
#include <librdkafka/rdkafka.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BATCH 10000
#define INTS 5
#define NUMS 2

#define CHECK(env, call)                                                    \
  do {                                                                      \
    if ((call) != napi_ok) {                                                \
      napi_throw_error((env), NULL, "batch-addon: N-API call failed: " #call); \
      return NULL;                                                          \
    }                                                                       \
  } while (0)

static napi_value throw_kafka(napi_env env, const char *what, rd_kafka_resp_err_t err) {
  char message[512];
  snprintf(message, sizeof message, "batch-addon: %s: %s", what, rd_kafka_err2str(err));
  napi_throw_error(env, rd_kafka_err2name(err), message);
  return NULL;
}

static napi_value throw_error(napi_env env, const char *what, rd_kafka_error_t *error) {
  char message[512];
  snprintf(message, sizeof message, "batch-addon: %s: %s", what, rd_kafka_error_string(error));
  napi_throw_error(env, rd_kafka_error_name(error), message);
  rd_kafka_error_destroy(error);
  return NULL;
}

static char *string_arg(napi_env env, napi_value value) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  return text;
}

static rd_kafka_t *handle_arg(napi_env env, napi_value value) {
  void *pointer = NULL;
  napi_get_value_external(env, value, &pointer);
  return pointer;
}

/** new(kind: 'consumer' | 'producer', config: string[] as key, value, key, value, …) → handle */
static napi_value client_new(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  char *kind = string_arg(env, argv[0]);
  int consumer = strcmp(kind, "consumer") == 0;
  free(kind);
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
      napi_throw_error(env, NULL, reason);
      return NULL;
    }
  }
  rd_kafka_t *rk = rd_kafka_new(consumer ? RD_KAFKA_CONSUMER : RD_KAFKA_PRODUCER, conf, reason, sizeof reason);
  if (!rk) {
    napi_throw_error(env, NULL, reason);
    return NULL;
  }
  if (consumer) rd_kafka_poll_set_consumer(rk);
  napi_value handle;
  CHECK(env, napi_create_external(env, rk, NULL, NULL, &handle));
  return handle;
}

/** subscribe(consumer, topic) */
static napi_value subscribe(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_t *rk = handle_arg(env, argv[0]);
  char *topic = string_arg(env, argv[1]);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
  free(topic);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) return throw_kafka(env, "subscribe", err);
  return NULL;
}

/**
 * consume(consumer, max, timeoutMs) → [data, index, meta, count]: waits up to timeoutMs for a first
 * record, then takes what else is queued, up to max.
 */
static napi_value consume(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_t *rk = handle_arg(env, argv[0]);
  int32_t max = 0, timeout = 0;
  napi_get_value_int32(env, argv[1], &max);
  napi_get_value_int32(env, argv[2], &timeout);
  if (max > MAX_BATCH) max = MAX_BATCH;
  static rd_kafka_message_t *messages[MAX_BATCH];
  int count = 0;
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
  ssize_t taken = rd_kafka_consume_batch_queue(queue, 0, messages, max);
  if (taken == 0) {
    rd_kafka_message_t *first = rd_kafka_consumer_poll(rk, timeout);
    if (first) {
      messages[0] = first;
      taken = 1 + rd_kafka_consume_batch_queue(queue, 0, messages + 1, max - 1);
    }
  }
  rd_kafka_queue_destroy(queue);
  if (taken < 0) return throw_kafka(env, "consume", rd_kafka_last_error());
  size_t bytes = 0;
  for (ssize_t i = 0; i < taken; i++) {
    rd_kafka_message_t *m = messages[i];
    if (m->err) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      char what[256];
      snprintf(what, sizeof what, "consume (partition %d, offset %lld)", m->partition, (long long)m->offset);
      rd_kafka_resp_err_t err = m->err;
      for (ssize_t j = 0; j < taken; j++) rd_kafka_message_destroy(messages[j]);
      return throw_kafka(env, what, err);
    }
    bytes += m->key_len + m->len;
  }
  napi_value data, index_buffer, meta_buffer, index, meta;
  void *data_bytes, *index_bytes, *meta_bytes;
  CHECK(env, napi_create_buffer(env, bytes, &data_bytes, &data));
  CHECK(env, napi_create_arraybuffer(env, (size_t)taken * INTS * 4, &index_bytes, &index_buffer));
  CHECK(env, napi_create_arraybuffer(env, (size_t)taken * NUMS * 8, &meta_bytes, &meta_buffer));
  int32_t *ints = index_bytes;
  double *nums = meta_bytes;
  size_t at = 0;
  for (ssize_t i = 0; i < taken; i++) {
    rd_kafka_message_t *m = messages[i];
    if (!m->err) {
      int32_t *row = ints + count * INTS;
      row[0] = m->partition;
      row[1] = (int32_t)at;
      row[2] = m->key ? (int32_t)m->key_len : -1;
      if (m->key) memcpy((char *)data_bytes + at, m->key, m->key_len), at += m->key_len;
      row[3] = (int32_t)at;
      row[4] = m->payload ? (int32_t)m->len : -1;
      if (m->payload) memcpy((char *)data_bytes + at, m->payload, m->len), at += m->len;
      nums[count * NUMS] = (double)m->offset;
      nums[count * NUMS + 1] = (double)rd_kafka_message_timestamp(m, NULL);
      count++;
    }
    rd_kafka_message_destroy(m);
  }
  CHECK(env, napi_create_typedarray(env, napi_int32_array, (size_t)count * INTS, index_buffer, 0, &index));
  CHECK(env, napi_create_typedarray(env, napi_float64_array, (size_t)count * NUMS, meta_buffer, 0, &meta));
  napi_value result, count_value;
  CHECK(env, napi_create_array_with_length(env, 4, &result));
  CHECK(env, napi_create_int32(env, count, &count_value));
  napi_set_element(env, result, 0, data);
  napi_set_element(env, result, 1, index);
  napi_set_element(env, result, 2, meta);
  napi_set_element(env, result, 3, count_value);
  return result;
}

/**
 * produce(producer, topic, data, index, meta, from, count) → how many were enqueued (fewer than asked
 * when librdkafka's queue is full: poll, then call again from there). Partition -1 = the partitioner.
 */
static napi_value produce(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_t *rk = handle_arg(env, argv[0]);
  char *topic_name = string_arg(env, argv[1]);
  char *data = NULL;
  size_t data_length = 0, index_length = 0, meta_length = 0;
  int32_t *ints = NULL;
  double *nums = NULL;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  CHECK(env, napi_get_buffer_info(env, argv[2], (void **)&data, &data_length));
  CHECK(env, napi_get_typedarray_info(env, argv[3], &type, &index_length, (void **)&ints, &ab, &offset));
  CHECK(env, napi_get_typedarray_info(env, argv[4], &type, &meta_length, (void **)&nums, &ab, &offset));
  int32_t from = 0, count = 0;
  napi_get_value_int32(env, argv[5], &from);
  napi_get_value_int32(env, argv[6], &count);
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, topic_name, NULL);
  free(topic_name);
  int32_t i = from;
  for (; i < from + count; i++) {
    const int32_t *row = ints + i * INTS;
    void *key = row[2] < 0 ? NULL : data + row[1];
    void *value = row[4] < 0 ? NULL : data + row[3];
    size_t key_length = row[2] < 0 ? 0 : (size_t)row[2];
    size_t value_length = row[4] < 0 ? 0 : (size_t)row[4];
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_RKT(topic), RD_KAFKA_V_PARTITION(row[0]), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_length), RD_KAFKA_V_VALUE(value, value_length),
        RD_KAFKA_V_TIMESTAMP((int64_t)nums[i * NUMS + 1]), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) break;
    if (err) {
      rd_kafka_topic_destroy(topic);
      return throw_kafka(env, "produce", err);
    }
  }
  rd_kafka_topic_destroy(topic);
  napi_value produced;
  CHECK(env, napi_create_int32(env, i - from, &produced));
  return produced;
}

/** poll(producer, timeoutMs): serves librdkafka's events (delivery reports are off). */
static napi_value poll(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t timeout = 0;
  napi_get_value_int32(env, argv[1], &timeout);
  rd_kafka_poll(handle_arg(env, argv[0]), timeout);
  return NULL;
}

/** flush(producer, timeoutMs): every enqueued record acknowledged, or an error. */
static napi_value flush(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t timeout = 0;
  napi_get_value_int32(env, argv[1], &timeout);
  rd_kafka_resp_err_t err = rd_kafka_flush(handle_arg(env, argv[0]), timeout);
  if (err) return throw_kafka(env, "flush", err);
  return NULL;
}

static rd_kafka_topic_partition_list_t *offsets_arg(napi_env env, napi_value topic_value, napi_value partitions,
                                                    napi_value offsets) {
  char *topic = string_arg(env, topic_value);
  uint32_t length = 0;
  napi_get_array_length(env, partitions, &length);
  rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new((int)length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value p, o;
    int32_t partition = 0;
    double offset = 0;
    napi_get_element(env, partitions, i, &p);
    napi_get_element(env, offsets, i, &o);
    napi_get_value_int32(env, p, &partition);
    napi_get_value_double(env, o, &offset);
    rd_kafka_topic_partition_list_add(list, topic, partition)->offset = (int64_t)offset;
  }
  free(topic);
  return list;
}

/** commit(consumer, topic, partitions[], offsets[]): synchronous. */
static napi_value commit(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_topic_partition_list_t *list = offsets_arg(env, argv[1], argv[2], argv[3]);
  rd_kafka_resp_err_t err = rd_kafka_commit(handle_arg(env, argv[0]), list, 0);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return throw_kafka(env, "commit", err);
  return NULL;
}

/** transaction(producer, 'init' | 'begin' | 'commit', timeoutMs) */
static napi_value transaction(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_t *rk = handle_arg(env, argv[0]);
  char *step = string_arg(env, argv[1]);
  int32_t timeout = 0;
  napi_get_value_int32(env, argv[2], &timeout);
  rd_kafka_error_t *error = strcmp(step, "init") == 0    ? rd_kafka_init_transactions(rk, timeout)
                            : strcmp(step, "begin") == 0 ? rd_kafka_begin_transaction(rk)
                                                         : rd_kafka_commit_transaction(rk, timeout);
  free(step);
  if (error) return throw_error(env, "transaction", error);
  return NULL;
}

/** sendOffsets(producer, consumer, topic, partitions[], offsets[], timeoutMs): with the consumer's group metadata (EOS v2). */
static napi_value send_offsets(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t timeout = 0;
  napi_get_value_int32(env, argv[5], &timeout);
  rd_kafka_topic_partition_list_t *list = offsets_arg(env, argv[2], argv[3], argv[4]);
  rd_kafka_consumer_group_metadata_t *group = rd_kafka_consumer_group_metadata(handle_arg(env, argv[1]));
  rd_kafka_error_t *error = rd_kafka_send_offsets_to_transaction(handle_arg(env, argv[0]), list, group, timeout);
  rd_kafka_consumer_group_metadata_destroy(group);
  rd_kafka_topic_partition_list_destroy(list);
  if (error) return throw_error(env, "sendOffsetsToTransaction", error);
  return NULL;
}

/** close(handle, isConsumer) */
static napi_value client_close(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  rd_kafka_t *rk = handle_arg(env, argv[0]);
  bool consumer = false;
  napi_get_value_bool(env, argv[1], &consumer);
  if (consumer) rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"create", NULL, client_new, NULL, NULL, NULL, napi_default_method, NULL},
      {"subscribe", NULL, subscribe, NULL, NULL, NULL, napi_default_method, NULL},
      {"consume", NULL, consume, NULL, NULL, NULL, napi_default_method, NULL},
      {"produce", NULL, produce, NULL, NULL, NULL, napi_default_method, NULL},
      {"poll", NULL, poll, NULL, NULL, NULL, napi_default_method, NULL},
      {"flush", NULL, flush, NULL, NULL, NULL, napi_default_method, NULL},
      {"commit", NULL, commit, NULL, NULL, NULL, napi_default_method, NULL},
      {"transaction", NULL, transaction, NULL, NULL, NULL, napi_default_method, NULL},
      {"sendOffsets", NULL, send_offsets, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, client_close, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
