// The batch dialog (Ctrl+B): runs the current prompt over every image of the project on the worker thread, with
// progress, ETA, cancel and resume; keeps or replaces the boxes of images already edited or reviewed.
#pragma once
#include <QDialog>

class QLabel;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace glip::studio {

class BatchDialog : public QDialog {
  Q_OBJECT
 public:
  explicit BatchDialog(QWidget* parent = nullptr);
  bool replaceBoxes() const;
  void setReplaceBoxes(bool replace);
  void setImageCount(int total, int resumeFrom);  // resumeFrom > 0 enables Resume
  void setRunning(bool running);
  void setProgress(int done, int total, double etaSeconds, const QString& lastImage);
  void setStopped(int next, int total, bool cancelled, int failed = 0);  // failed: images that could not be processed
  QString statusText() const;
  static QString formatEta(double seconds);

 signals:
  void startRequested(bool replaceBoxes);
  void resumeRequested(bool replaceBoxes);
  void cancelRequested();

 private:
  QRadioButton* keep_;
  QRadioButton* replace_;
  QProgressBar* bar_;
  QLabel* status_;
  QLabel* eta_;
  QPushButton* start_;
  QPushButton* resume_;
  QPushButton* cancel_;
  QPushButton* close_;
};

}  // namespace glip::studio
