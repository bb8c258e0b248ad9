// Timestamps, offsets, live pacing by the pipeline clock (a GstTestClock,
// never wall time), dropped frames, latency, num-buffers and unlock.
#include "tests/gst/acqsrc/acqsrc_harness.hh"

namespace {

void check_stamps(GstBuffer* buffer, guint64 n, GstClockTime pts, GstClockTime next_pts) {
  fail_unless_equals_uint64(GST_BUFFER_PTS(buffer), pts);
  fail_unless_equals_uint64(GST_BUFFER_DURATION(buffer), next_pts - pts);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET(buffer), n);
  fail_unless_equals_uint64(GST_BUFFER_OFFSET_END(buffer), n + 1);
}

guint64 frames_dropped(GstHarness* h) {
  guint64 dropped = 0;
  g_object_get(h->element, "frames-dropped", &dropped, nullptr);
  return dropped;
}

// A live acqsrc on the harness' GstTestClock, at 10 ms per frame.
GstHarness* live_harness(guint stream_buffers = 10) {
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY8,width=16,height=8");
  gst_harness_use_testclock(h);
  g_object_set(h->element, "exposure-time-us", 10000.0, "stream-buffers", stream_buffers, nullptr);
  gst_harness_play(h);
  return h;
}

// Moves the test clock to `time` while acqsrc waits: downstream stalled.
void stall_until(GstHarness* h, GstClockTime time) {
  GstTestClock* clock = gst_harness_get_testclock(h);
  gst_test_clock_set_time(clock, time);
  fail_unless(gst_test_clock_crank(clock));
  gst_object_unref(clock);
}

// Waits until acqsrc waits on the test clock and returns the time it waits for.
GstClockTime next_wait(GstHarness* h) {
  GstTestClock* clock = gst_harness_get_testclock(h);
  GstClockID id;
  gst_test_clock_wait_for_next_pending_id(clock, &id);
  const GstClockTime time = gst_clock_id_get_time(id);
  gst_clock_id_unref(id);
  gst_object_unref(clock);
  return time;
}

// The camera's own timestamp (GstReferenceTimestampMeta timestamp/x-camera).
GstClockTime camera_timestamp(GstBuffer* buffer) {
  GstCaps* reference = gst_caps_new_empty_simple("timestamp/x-camera");
  GstReferenceTimestampMeta* meta = gst_buffer_get_reference_timestamp_meta(buffer, reference);
  gst_caps_unref(reference);
  return meta ? meta->timestamp : GST_CLOCK_TIME_NONE;
}

// Holds the streaming thread in downstream's caps handling, where a sink
// sets itself up (zarrsink allocates its chunk buffers there), until the
// test releases it: the pipeline is PLAYING and its clock runs meanwhile.
struct SlowDownstreamSetUp {
  GMutex mutex;
  GCond cond;
  bool released = false;

  SlowDownstreamSetUp() {
    g_mutex_init(&mutex);
    g_cond_init(&cond);
  }
  ~SlowDownstreamSetUp() {
    g_mutex_clear(&mutex);
    g_cond_clear(&cond);
  }
  void hold(GstElement* src) {
    GstPad* pad = gst_element_get_static_pad(src, "src");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event, this, nullptr);
    gst_object_unref(pad);
  }
  void release() {
    g_mutex_lock(&mutex);
    released = true;
    g_cond_signal(&cond);
    g_mutex_unlock(&mutex);
  }
  static GstPadProbeReturn on_event(GstPad*, GstPadProbeInfo* info, gpointer data) {
    auto* self = static_cast<SlowDownstreamSetUp*>(data);
    if (GST_EVENT_TYPE(GST_PAD_PROBE_INFO_EVENT(info)) != GST_EVENT_CAPS) return GST_PAD_PROBE_OK;
    g_mutex_lock(&self->mutex);
    while (!self->released) g_cond_wait(&self->cond, &self->mutex);
    g_mutex_unlock(&self->mutex);
    return GST_PAD_PROBE_REMOVE;
  }
};

// A live acqsrc at 10 ms per frame whose downstream takes until running
// time `set_up_done` to set up; returns once the first frame may be asked for.
GstHarness* live_harness_with_slow_set_up(SlowDownstreamSetUp& set_up, GstClockTime set_up_done, guint stream_buffers,
                                          GstBus* bus = nullptr) {
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY8,width=16,height=8");
  gst_harness_use_testclock(h);
  g_object_set(h->element, "exposure-time-us", 10000.0, "stream-buffers", stream_buffers, nullptr);
  if (bus) gst_element_set_bus(h->element, bus);
  set_up.hold(h->element);
  gst_harness_play(h);
  GstTestClock* clock = gst_harness_get_testclock(h);
  gst_test_clock_set_time(clock, gst_element_get_base_time(h->element) + set_up_done);
  gst_object_unref(clock);
  set_up.release();
  return h;
}
}  // namespace

GST_START_TEST(test_open_framerate_uses_exposure) {
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY8,width=8,height=8");
  g_object_set(h->element, "is-live", FALSE, "exposure-time-us", 13000.0, nullptr);
  gst_harness_play(h);
  for (guint64 n = 0; n < 10; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, n * 13 * GST_MSECOND, (n + 1) * 13 * GST_MSECOND);
    if (n > 0) fail_if(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
    gst_buffer_unref(buffer);
  }
  const GstVideoInfo info = negotiated_info(h);
  fail_unless_equals_int(GST_VIDEO_INFO_FPS_N(&info), 1000);
  fail_unless_equals_int(GST_VIDEO_INFO_FPS_D(&info), 13);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_default_caps) {
  GstHarness* h = acqsrc_harness("video/x-raw");
  g_object_set(h->element, "is-live", FALSE, nullptr);
  gst_harness_play(h);
  gst_buffer_unref(gst_harness_pull(h));
  const GstVideoInfo info = negotiated_info(h);
  fail_unless_equals_int(GST_VIDEO_INFO_WIDTH(&info), 1920);
  fail_unless_equals_int(GST_VIDEO_INFO_HEIGHT(&info), 1080);
  fail_unless_equals_int(GST_VIDEO_INFO_FORMAT(&info), GST_VIDEO_FORMAT_GRAY8);
  fail_unless_equals_int(GST_VIDEO_INFO_FPS_N(&info), 100);  // exposure 10000 us
  fail_unless_equals_int(GST_VIDEO_INFO_FPS_D(&info), 1);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_fixed_framerate_does_not_drift) {
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY16_LE,width=8,height=8,framerate=30/1");
  g_object_set(h->element, "is-live", FALSE, nullptr);
  gst_harness_play(h);
  for (guint64 n = 0; n < 31; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, gst_util_uint64_scale(n, GST_SECOND, 30), gst_util_uint64_scale(n + 1, GST_SECOND, 30));
    gst_buffer_unref(buffer);
  }
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_num_buffers_then_eos) {
  GstHarness* h = acqsrc_harness("video/x-raw,format=GRAY8,width=8,height=8");
  g_object_set(h->element, "is-live", FALSE, "num-buffers", 5, nullptr);
  gst_harness_play(h);
  for (int n = 0; n < 5; ++n) gst_buffer_unref(gst_harness_pull(h));
  GstEvent* event;
  while ((event = gst_harness_pull_event(h)) != nullptr && GST_EVENT_TYPE(event) != GST_EVENT_EOS)
    gst_event_unref(event);
  fail_unless(event != nullptr, "no EOS after num-buffers");
  gst_event_unref(event);
  fail_unless_equals_int(gst_harness_buffers_in_queue(h), 0);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_live_paced_by_clock) {
  GstHarness* h = live_harness();
  const GstClockTime base = gst_element_get_base_time(h->element);
  // Acquisition starts at the first request (running time 0 here): frame 0
  // comes at once.
  GstBuffer* first = gst_harness_pull(h);
  check_stamps(first, 0, 0, 10 * GST_MSECOND);
  gst_buffer_unref(first);
  for (guint64 n = 1; n < 4; ++n) {
    // Frame n is not delivered before the clock reaches n periods.
    fail_unless_equals_uint64(next_wait(h), base + n * 10 * GST_MSECOND);
    fail_unless(gst_harness_try_pull(h) == nullptr, "frame %" G_GUINT64_FORMAT " came early", n);
    fail_unless(gst_harness_crank_single_clock_wait(h));
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, n * 10 * GST_MSECOND, (n + 1) * 10 * GST_MSECOND);
    fail_if(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
    gst_buffer_unref(buffer);
  }
  fail_unless_equals_uint64(frames_dropped(h), 0);

  GstQuery* query = gst_query_new_latency();
  fail_unless(gst_pad_peer_query(h->sinkpad, query));
  gboolean live;
  GstClockTime min, max;
  gst_query_parse_latency(query, &live, &min, &max);
  fail_unless(live);
  fail_unless_equals_uint64(min, 10 * GST_MSECOND);
  fail_unless_equals_uint64(max, GST_CLOCK_TIME_NONE);
  gst_query_unref(query);
  gst_harness_teardown(h);
}
GST_END_TEST;

GST_START_TEST(test_live_drops_missed_frames) {
  GstHarness* h = live_harness(1);  // one capture buffer: only the newest frame is kept
  const GstClockTime base = gst_element_get_base_time(h->element);
  gst_buffer_unref(gst_harness_pull(h));  // frame 0, at once
  // Downstream stalls: the clock runs to 55 ms while frame 1 is pending.
  fail_unless_equals_uint64(next_wait(h), base + 10 * GST_MSECOND);
  stall_until(h, base + 55 * GST_MSECOND);

  GstBuffer* buffer = gst_harness_pull(h);
  check_stamps(buffer, 5, 50 * GST_MSECOND, 60 * GST_MSECOND);  // frames 1-4 dropped
  fail_unless(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
  fail_unless_equals_uint64(frames_dropped(h), 4);
  gst_buffer_unref(buffer);

  // Back on time: frame 6 follows without a gap.
  fail_unless_equals_uint64(next_wait(h), base + 60 * GST_MSECOND);
  fail_unless(gst_harness_crank_single_clock_wait(h));
  buffer = gst_harness_pull(h);
  check_stamps(buffer, 6, 60 * GST_MSECOND, 70 * GST_MSECOND);
  fail_if(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
  fail_unless_equals_uint64(frames_dropped(h), 4);
  gst_buffer_unref(buffer);
  gst_harness_teardown(h);
}
GST_END_TEST;

// The camera holds its newest `stream-buffers` frames: a stall shorter than
// that loses nothing, a longer one loses the oldest frames only.
GST_START_TEST(test_live_stream_buffers_absorb_stalls) {
  GstHarness* h = live_harness(3);
  const GstClockTime base = gst_element_get_base_time(h->element);
  gst_buffer_unref(gst_harness_pull(h));  // frame 0, at once

  // Stalled to 35 ms: frames 1, 2 and 3 are all still held.
  fail_unless_equals_uint64(next_wait(h), base + 10 * GST_MSECOND);
  stall_until(h, base + 35 * GST_MSECOND);
  for (guint64 n = 1; n <= 3; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, n * 10 * GST_MSECOND, (n + 1) * 10 * GST_MSECOND);
    fail_if(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
    gst_buffer_unref(buffer);
  }
  fail_unless_equals_uint64(frames_dropped(h), 0);

  // Stalled to 95 ms: slots 4..9 passed, the 3 buffers hold 7, 8 and 9.
  fail_unless_equals_uint64(next_wait(h), base + 40 * GST_MSECOND);
  stall_until(h, base + 95 * GST_MSECOND);
  for (guint64 n = 7; n <= 9; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, n * 10 * GST_MSECOND, (n + 1) * 10 * GST_MSECOND);
    fail_unless_equals_int(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT), n == 7);
    gst_buffer_unref(buffer);
  }
  fail_unless_equals_uint64(frames_dropped(h), 3);

  // Caught up: frame 10 waits for its slot again.
  fail_unless_equals_uint64(next_wait(h), base + 100 * GST_MSECOND);
  fail_unless(gst_harness_try_pull(h) == nullptr);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Downstream set-up is not counted against the camera: acquisition starts
// at the first frame asked for (t0), frame 0 comes first, frame n has
// PTS t0 + n periods, and nothing is dropped.
GST_START_TEST(test_live_starts_at_first_request) {
  SlowDownstreamSetUp set_up;
  const GstClockTime t0 = 95 * GST_MSECOND;  // more than 9 periods of set-up
  GstHarness* h = live_harness_with_slow_set_up(set_up, t0, 3);
  const GstClockTime base = gst_element_get_base_time(h->element);
  const GstClockTime period = 10 * GST_MSECOND;

  GstBuffer* frame0 = gst_harness_pull(h);
  check_stamps(frame0, 0, t0, t0 + period);
  fail_unless_equals_uint64(camera_timestamp(frame0), 0);
  gst_buffer_unref(frame0);
  for (guint64 n = 1; n < 3; ++n) {
    fail_unless_equals_uint64(next_wait(h), base + t0 + n * period);
    fail_unless(gst_harness_crank_single_clock_wait(h));
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, t0 + n * period, t0 + (n + 1) * period);
    fail_unless_equals_uint64(camera_timestamp(buffer), n * period);
    fail_if(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT));
    gst_buffer_unref(buffer);
  }
  fail_unless_equals_uint64(frames_dropped(h), 0);

  // A later stall longer than the 3 stream buffers still drops, in slots
  // counted from t0: at t0 + 75 ms the buffers hold frames 5, 6 and 7.
  fail_unless_equals_uint64(next_wait(h), base + t0 + 3 * period);
  stall_until(h, base + t0 + 75 * GST_MSECOND);
  for (guint64 n = 5; n <= 7; ++n) {
    GstBuffer* buffer = gst_harness_pull(h);
    check_stamps(buffer, n, t0 + n * period, t0 + (n + 1) * period);
    fail_unless_equals_int(GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT), n == 5);
    gst_buffer_unref(buffer);
  }
  fail_unless_equals_uint64(frames_dropped(h), 2);
  gst_harness_teardown(h);
}
GST_END_TEST;

// Each gap is posted as a QoS message for the buffer after it, with the
// frames delivered and dropped so far.
GST_START_TEST(test_drops_posted_as_qos) {
  GstBus* bus = gst_bus_new();
  SlowDownstreamSetUp set_up;
  const GstClockTime t0 = 35 * GST_MSECOND;
  GstHarness* h = live_harness_with_slow_set_up(set_up, t0, 3, bus);
  const GstClockTime base = gst_element_get_base_time(h->element);
  const GstClockTime period = 10 * GST_MSECOND;

  struct Stall {
    GstClockTime until;  // running time the clock jumps to while frame `pending` is awaited
    guint64 pending;     // the frame acqsrc waits for
    guint64 after_gap;   // the first frame after the gap
    guint64 delivered;   // frames delivered when that frame is
  };
  // 3 stream buffers: frames 0-1, then 2-4 dropped, 5-7, then 8-12 dropped, 13.
  const Stall stalls[] = {{t0 + 75 * GST_MSECOND, 2, 5, 3}, {t0 + 155 * GST_MSECOND, 8, 13, 6}};
  guint64 offset = 0;
  gst_buffer_unref(gst_harness_pull(h));  // frame 0
  fail_unless_equals_uint64(next_wait(h), base + t0 + period);
  fail_unless(gst_harness_crank_single_clock_wait(h));
  gst_buffer_unref(gst_harness_pull(h));  // frame 1
  offset = 1;
  guint64 dropped_in_messages = 0, offset_jumps = 0;
  for (const Stall& stall : stalls) {
    fail_unless_equals_uint64(next_wait(h), base + t0 + stall.pending * period);
    stall_until(h, base + stall.until);
    for (guint64 n = stall.after_gap; n <= stall.after_gap + 2 && n <= 13; ++n) {
      GstBuffer* buffer = gst_harness_pull(h);
      fail_unless_equals_uint64(GST_BUFFER_OFFSET(buffer), n);
      if (GST_BUFFER_OFFSET(buffer) > offset + 1) offset_jumps += GST_BUFFER_OFFSET(buffer) - offset - 1;
      offset = GST_BUFFER_OFFSET(buffer);
      gst_buffer_unref(buffer);
    }
    GstMessage* message = gst_bus_pop_filtered(bus, GST_MESSAGE_QOS);
    fail_unless(message != nullptr, "no QoS message for the gap before frame %" G_GUINT64_FORMAT, stall.after_gap);
    fail_unless(GST_MESSAGE_SRC(message) == GST_OBJECT(h->element));
    gboolean live;
    guint64 running_time, stream_time, timestamp, duration;
    gst_message_parse_qos(message, &live, &running_time, &stream_time, &timestamp, &duration);
    fail_unless(live);
    fail_unless_equals_uint64(timestamp, t0 + stall.after_gap * period);
    fail_unless_equals_uint64(running_time, t0 + stall.after_gap * period);
    fail_unless_equals_uint64(duration, period);
    GstFormat format;
    guint64 processed, dropped;
    gst_message_parse_qos_stats(message, &format, &processed, &dropped);
    fail_unless_equals_int(format, GST_FORMAT_BUFFERS);
    fail_unless_equals_uint64(processed, stall.delivered);
    fail_unless_equals_uint64(dropped, stall.after_gap - stall.pending + dropped_in_messages);
    dropped_in_messages = dropped;
    gst_message_unref(message);
    fail_unless(gst_bus_pop_filtered(bus, GST_MESSAGE_QOS) == nullptr, "one QoS message per gap");
  }
  fail_unless_equals_uint64(dropped_in_messages, 8);
  fail_unless_equals_uint64(frames_dropped(h), dropped_in_messages);
  fail_unless_equals_uint64(offset_jumps, dropped_in_messages);
  // The messages left on the bus hold the element, which holds the bus.
  gst_bus_set_flushing(bus, TRUE);
  gst_harness_teardown(h);
  gst_object_unref(bus);
}
GST_END_TEST;

GST_START_TEST(test_stop_while_waiting_for_frame) {
  GstHarness* h = live_harness();
  next_wait(h);  // acqsrc now waits for frame 0, and the clock will not move
  fail_unless_equals_int(gst_element_set_state(h->element, GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  gst_harness_teardown(h);
}
GST_END_TEST;

static Suite* acqsrc_timing_suite() {
  Suite* s = suite_create("acqsrc_timing");
  TCase* tc = tcase_create("general");
  suite_add_tcase(s, tc);
  tcase_add_test(tc, test_open_framerate_uses_exposure);
  tcase_add_test(tc, test_default_caps);
  tcase_add_test(tc, test_fixed_framerate_does_not_drift);
  tcase_add_test(tc, test_num_buffers_then_eos);
  tcase_add_test(tc, test_live_paced_by_clock);
  tcase_add_test(tc, test_live_drops_missed_frames);
  tcase_add_test(tc, test_live_stream_buffers_absorb_stalls);
  tcase_add_test(tc, test_live_starts_at_first_request);
  tcase_add_test(tc, test_drops_posted_as_qos);
  tcase_add_test(tc, test_stop_while_waiting_for_frame);
  return s;
}

GST_CHECK_MAIN(acqsrc_timing);
