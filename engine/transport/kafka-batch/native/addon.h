// rivulet's batch data plane over librdkafka (issue #15): records cross the N-API boundary in batches
// (one Buffer + typed-array index per consumed batch), and every call that can wait on the cluster
// runs as async work off the JavaScript thread. consumer.c and producer.c hold the two clients,
// addon.c the shared parts (arguments, errors, async jobs) and the module's exports.
#ifndef RIVULET_ADDON_H
#define RIVULET_ADDON_H

#include <librdkafka/rdkafka.h>
#include <node_api.h>
#include <pthread.h>
#include <stdbool.h>

#define CHECK(env, call)                                                            \
  do {                                                                              \
    if ((call) != napi_ok) {                                                        \
      napi_throw_error((env), NULL, "rivulet kafka addon: N-API call failed: " #call); \
      return NULL;                                                                  \
    }                                                                               \
  } while (0)

/** A librdkafka error as JavaScript sees it: { code, message, isFatal, isRetriable, isTxnRequiresAbort }. */
typedef struct {
  int code;
  bool fatal, retriable, txn_requires_abort;
  char message[512];
} error_info;

/** A client: librdkafka's handle and what its callbacks collected for JavaScript to take. */
typedef struct client {
  rd_kafka_t *rk;
  bool consumer;
  pthread_mutex_t lock;
  /** Why librdkafka declared the client unusable (error_cb with ERR__FATAL), else message[0] = 0. */
  error_info fatal;
  /** Consumer: rebalance events not yet taken by JavaScript, and whether close() is under way. */
  struct rebalance_event *events;
  bool closing;
  /** Consumer: the first record of a wait (wait_for_records), delivered by the next consume. */
  rd_kafka_message_t *held;
  /** Producer: records the cluster did not take since JavaScript last took them. */
  struct delivery_failure *failures;
  /** Producer: topic handles by the id JavaScript registered them under. */
  rd_kafka_topic_t **topics;
  int topic_count;
} client;

typedef struct rebalance_event {
  rd_kafka_resp_err_t kind;
  rd_kafka_topic_partition_list_t *partitions;
  struct rebalance_event *next;
} rebalance_event;

typedef struct delivery_failure {
  char *topic;
  int32_t partition;
  int64_t timestamp;
  error_info error;
  struct delivery_failure *next;
} delivery_failure;

/** A call run off the JavaScript thread; `run` fills the job, `settle` turns it into a value. */
typedef struct job job;
typedef void (*job_run)(job *);
typedef napi_value (*job_settle)(napi_env, job *);
struct job {
  napi_async_work work;
  napi_deferred deferred;
  client *c;
  job_run run;
  job_settle settle;
  int timeout_ms;
  rd_kafka_topic_partition_list_t *partitions;
  rd_kafka_consumer_group_metadata_t *group;
  const struct rd_kafka_metadata *metadata;
  /** listOffsets: whether the last stable offset is asked for (read_committed). */
  bool read_committed;
  error_info error;
  bool failed;
};

// addon.c
client *client_arg(napi_env env, napi_value value);
char *string_arg(napi_env env, napi_value value);
int32_t int_arg(napi_env env, napi_value value);
rd_kafka_topic_partition_list_t *partitions_arg(napi_env env, napi_value value);
napi_value partitions_value(napi_env env, const rd_kafka_topic_partition_list_t *list);
void set_error(error_info *info, rd_kafka_resp_err_t code, const char *message);
void take_error(error_info *info, rd_kafka_error_t *error);
napi_value error_value(napi_env env, const error_info *info);
napi_value throw_info(napi_env env, const error_info *info);
napi_value start_job(napi_env env, job *j);
job *new_job(client *c, job_run run, job_settle settle, int timeout_ms);
napi_value settle_undefined(napi_env env, job *j);
napi_value create_client(napi_env env, napi_callback_info info);
void destroy_client(client *c);

// consumer.c
void configure_consumer(rd_kafka_conf_t *conf, client *c);
napi_value consumer_exports(napi_env env, napi_value exports);

// producer.c
void configure_producer(rd_kafka_conf_t *conf, client *c);
napi_value producer_exports(napi_env env, napi_value exports);

#endif
