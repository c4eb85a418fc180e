// The inference worker: ONE thread that owns the glip::Model and glip::Session. Requests are taken BY VALUE and
// the latest one wins: a new detection replaces the pending one and cancels the running one (Session::cancel);
// results come back as queued signals, so the UI thread never waits on the model.
//
//   InferenceWorker w;
//   connect(&w, &InferenceWorker::detectFinished, ...);
//   w.loadModel({params, "demo"});
//   quint64 id = w.detect({imagePath, prompt, promptKey});        // minSize: a preview size (0 = the model's)
//
// A batch is one request too: it runs the prompt over a list of images from `start`, reports each image, and on
// cancel reports where it stopped so that it can be resumed.
#pragma once
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "core/engine/engine.h"
#include "ui/inspect/snapshot.h"

namespace glip::studio {

struct ModelRequest {
  glip::ModelParams params;
  QString key;  // identifies the model in result caches (config + weights + device)
};

struct DetectRequest {
  quint64 id = 0;  // assigned by detect()
  QString imagePath;
  glip::Prompt prompt;
  QString promptKey;
  // Preview size (glip::DetectParams::min_size): the shorter side to resize the image to; 0 = the model's size.
  // A size that would not make the model's input smaller runs at the model's size (DetectReply::minSize says so).
  int minSize = 0;
};

// Batches always run at the model's size (no preview size).
struct BatchRequest {
  quint64 id = 0;  // assigned by runBatch()
  QStringList images;
  glip::Prompt prompt;
  QString promptKey;
  int start = 0;  // first image to run (resume)
};

struct DetectReply {
  quint64 id = 0;
  QString imagePath;
  QString promptKey;
  QString modelKey;
  int minSize = 0;  // the preview size it ran at (DetectParams::min_size); 0 = the model's size
  std::shared_ptr<const glip::DetectResult> result;  // every GLIP output (threshold 0); null on error/cancel
  std::shared_ptr<const glip::inspect::Snapshot> inspect;  // probe snapshot for the inspector (setInspect), else null
  double seconds = 0;        // wall time of this request on the worker
  qint64 inferences = 0;     // Session::inference_count() after the request
  bool cancelled = false;
  QString error;
};

class InferenceWorker : public QObject {
  Q_OBJECT
 public:
  explicit InferenceWorker(QObject* parent = nullptr);
  ~InferenceWorker() override;  // cancels and joins the thread

  void loadModel(const ModelRequest& request);
  quint64 detect(DetectRequest request);
  quint64 runBatch(BatchRequest request);
  void cancel();  // the running request stops at its next check; the pending one is dropped
  // Record probes for the inspector on single-image detections (never in batches: probes cost time and memory).
  void setInspect(bool probe, bool attention) { inspect_ = probe; inspectAttention_ = probe && attention; }
  bool inspecting() const { return inspect_.load(); }

  bool hasModel() const;
  QString modelKey() const;
  QString modelDescription() const;
  // The loaded model's facts (strides, thresholds, MAX_QUERY_LEN, ...); GLIP's defaults before one is loaded.
  glip::ModelInfo modelInfo() const;
  qint64 inferenceCount() const { return inferences_.load(); }
  bool busy() const { return busy_.load(); }
  // Blocks until idle (tests, the --screenshot mode); false on timeout. Never called by the interactive UI.
  bool waitIdle(int timeoutMs) const;

 signals:
  void modelLoading(double fraction, const QString& what);
  void modelLoaded(const QString& key, const QString& description);
  void modelFailed(const QString& error);
  void detectStarted(quint64 id);
  void detectFinished(const glip::studio::DetectReply& reply);
  void batchItemFinished(quint64 batchId, int index, int total, const glip::studio::DetectReply& reply);
  void batchFinished(quint64 batchId, int nextIndex, int total, bool cancelled);
  void busyChanged(bool busy);

 private:
  using Work = std::variant<DetectRequest, BatchRequest>;
  void run();
  void doLoad(const ModelRequest& r);
  void doDetect(const DetectRequest& r);
  void doBatch(const BatchRequest& r);
  DetectReply detectOne(quint64 id, const QString& path, const glip::Prompt& prompt, const QString& promptKey,
                        int minSize = 0, bool inspect = false);
  const glip::RgbImage& image(const QString& path);

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::optional<ModelRequest> pendingModel_;
  std::optional<Work> pendingWork_;
  bool stop_ = false;
  bool running_ = false;        // a request is being processed (under mu_)
  quint64 runningId_ = 0;
  std::atomic<bool> cancelRequested_{false};  // our own flag: Session::cancel() is consumed by its first check
  std::atomic<bool> busy_{false};
  std::atomic<qint64> inferences_{0};
  std::atomic<bool> inspect_{false}, inspectAttention_{false};
  quint64 nextId_ = 1;

  // Worker-thread state (only touched by run()).
  std::shared_ptr<const glip::Model> model_;
  std::unique_ptr<glip::Session> session_;
  QString modelKey_, description_;  // guarded by mu_
  QString imagePath_;
  glip::RgbImage image_;

  std::thread thread_;  // last: started after everything above is constructed
};

}  // namespace glip::studio

Q_DECLARE_METATYPE(glip::studio::DetectReply)
