#include "ui/studio/inference_worker.h"

#include <QFileInfo>

#include <QElapsedTimer>
#include <QFile>
#include <QThread>
#include <chrono>

namespace glip::studio {

InferenceWorker::InferenceWorker(QObject* parent) : QObject(parent) {
  qRegisterMetaType<glip::studio::DetectReply>("glip::studio::DetectReply");
  thread_ = std::thread([this] { run(); });
}

InferenceWorker::~InferenceWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    pendingModel_.reset();
    pendingWork_.reset();
    if (running_) {
      cancelRequested_ = true;
      if (session_) session_->cancel();
    }
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void InferenceWorker::loadModel(const ModelRequest& request) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pendingModel_ = request;
    busy_ = true;
  }
  cv_.notify_all();
}

quint64 InferenceWorker::detect(DetectRequest request) {
  quint64 id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = request.id = nextId_++;
    pendingWork_ = std::move(request);
    if (running_ && runningId_ != 0) {  // latest wins: stop the running detection or batch
      cancelRequested_ = true;
      if (session_) session_->cancel();
    }
    busy_ = true;
  }
  cv_.notify_all();
  return id;
}

quint64 InferenceWorker::runBatch(BatchRequest request) {
  quint64 id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = request.id = nextId_++;
    pendingWork_ = std::move(request);
    if (running_ && runningId_ != 0) {
      cancelRequested_ = true;
      if (session_) session_->cancel();
    }
    busy_ = true;
  }
  cv_.notify_all();
  return id;
}

void InferenceWorker::cancel() {
  std::lock_guard<std::mutex> lock(mu_);
  pendingWork_.reset();
  if (running_ && runningId_ != 0) {
    cancelRequested_ = true;
    if (session_) session_->cancel();
  }
}

bool InferenceWorker::hasModel() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !modelKey_.isEmpty();
}
QString InferenceWorker::modelKey() const {
  std::lock_guard<std::mutex> lock(mu_);
  return modelKey_;
}
QString InferenceWorker::modelDescription() const {
  std::lock_guard<std::mutex> lock(mu_);
  return description_;
}
glip::ModelInfo InferenceWorker::modelInfo() const {
  std::lock_guard<std::mutex> lock(mu_);  // model_ is replaced under the lock
  return model_ ? model_->info() : glip::default_model_info();
}

bool InferenceWorker::waitIdle(int timeoutMs) const {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                      [this] { return !running_ && !pendingModel_ && !pendingWork_; });
}

void InferenceWorker::run() {
  for (;;) {
    std::optional<ModelRequest> load;
    std::optional<Work> work;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || pendingModel_ || pendingWork_; });
      if (stop_) return;
      if (pendingModel_) {
        load = std::move(pendingModel_);
        pendingModel_.reset();
        runningId_ = 0;
      } else {
        work = std::move(pendingWork_);
        pendingWork_.reset();
        runningId_ = std::visit([](const auto& r) { return r.id; }, *work);
      }
      running_ = true;
      cancelRequested_ = false;
    }
    emit busyChanged(true);
    if (load) doLoad(*load);
    else if (auto* d = std::get_if<DetectRequest>(&*work)) doDetect(*d);
    else doBatch(std::get<BatchRequest>(*work));
    bool idle;
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_ = false;
      runningId_ = 0;
      idle = !pendingModel_ && !pendingWork_;
      if (idle) busy_ = false;
    }
    cv_.notify_all();
    if (idle) emit busyChanged(false);
  }
}

void InferenceWorker::doLoad(const ModelRequest& r) {
  try {
    auto model = glip::Model::load(r.params, [this](double f, const std::string& what) {
      emit modelLoading(f, QString::fromStdString(what));
    });
    auto session = std::make_unique<glip::Session>(model);
    // Model::description() in the interface language (core's text is English).
    const QString weights = QFileInfo(QString::fromStdString(r.params.weight_file)).fileName();
    QString device = QString::fromStdString(model->params().device).toUpper();
    if (model->params().precision != glip::Precision::fp32)
      device += QStringLiteral(", ") + QString::fromLatin1(glip::precision_name(model->params().precision));
    const QString description =
        tr("GLIP %1/BERT, %2 M parameters, %3, %4")
            .arg(QString::fromStdString(model->info().backbone))
            .arg(model->parameter_count() / 1e6, 0, 'f', 1)
            .arg(device, weights.isEmpty() ? tr("weights of the configuration") : weights);
    {
      std::lock_guard<std::mutex> lock(mu_);
      session_ = std::move(session);  // under the lock: cancel() reads session_
      model_ = std::move(model);
      modelKey_ = r.key;
      description_ = description;
    }
    inferences_ = 0;
    emit modelLoaded(r.key, description);
  } catch (const std::exception& e) {
    emit modelFailed(QString::fromUtf8(e.what()));
  }
}

const glip::RgbImage& InferenceWorker::image(const QString& path) {
  if (path != imagePath_) {
    imagePath_.clear();
    image_ = glip::image::load_image(QFile::encodeName(path).toStdString());
    imagePath_ = path;
  }
  return image_;
}

DetectReply InferenceWorker::detectOne(quint64 id, const QString& path, const glip::Prompt& prompt,
                                       const QString& promptKey, int minSize, bool inspect) {
  DetectReply reply;
  reply.id = id;
  reply.imagePath = path;
  reply.promptKey = promptKey;
  {
    std::lock_guard<std::mutex> lock(mu_);
    reply.modelKey = modelKey_;
  }
  QElapsedTimer timer;
  timer.start();
  if (!session_) {
    reply.error = tr("No model is loaded.");
    return reply;
  }
  // Session::cancel() sets a flag that the next stage check consumes. A cancel that arrived after the last check
  // of the previous request leaves it set; a Cancelled that we did not ask for is therefore retried once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      const glip::RgbImage& img = image(path);
      glip::DetectParams params;
      // A preview size runs only where it makes the model's input smaller (a preview is never slower).
      if (minSize > 0) {
        const auto full = session_->resized_size(img.height, img.width);
        const auto preview = session_->resized_size(img.height, img.width, minSize);
        if (preview[0] * preview[1] < full[0] * full[1]) params.min_size = minSize;
      }
      reply.minSize = static_cast<int>(params.min_size);
      params.probe = inspect;
      params.probe_attention = inspect && inspectAttention_.load();
      auto result = std::make_shared<glip::DetectResult>(session_->detect(img, prompt, params));
      if (inspect)  // copied out here, on the worker thread: the GUI never touches the Session
        reply.inspect = std::make_shared<const glip::inspect::Snapshot>(glip::inspect::takeSnapshot(*session_, *result, prompt));
      reply.result = std::move(result);
      break;
    } catch (const glip::Cancelled&) {
      if (cancelRequested_.load() || attempt == 1) {
        reply.cancelled = true;
        break;
      }
    } catch (const std::exception& e) {
      reply.error = QString::fromUtf8(e.what());
      break;
    }
  }
  reply.seconds = timer.nsecsElapsed() / 1e9;
  reply.inferences = session_->inference_count();
  inferences_ = reply.inferences;
  return reply;
}

void InferenceWorker::doDetect(const DetectRequest& r) {
  emit detectStarted(r.id);
  emit detectFinished(detectOne(r.id, r.imagePath, r.prompt, r.promptKey, r.minSize, inspect_.load()));
}

void InferenceWorker::doBatch(const BatchRequest& r) {
  const int total = static_cast<int>(r.images.size());
  int i = std::max(0, r.start);
  for (; i < total; ++i) {
    if (cancelRequested_.load()) break;
    DetectReply reply = detectOne(r.id, r.images[i], r.prompt, r.promptKey, /*minSize=*/0);
    if (reply.cancelled) break;  // not done: resume starts here
    emit batchItemFinished(r.id, i, total, reply);
  }
  emit batchFinished(r.id, i, total, i < total);
}

}  // namespace glip::studio
