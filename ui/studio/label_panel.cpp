#include "ui/studio/label_panel.h"

#include <QColorDialog>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QKeyEvent>
#include <QListWidget>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QSet>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/document/project.h"
#include "ui/studio/canvas_box.h"

namespace glip::studio {
namespace {

constexpr int kLabelRole = Qt::UserRole;
constexpr int kCountRole = Qt::UserRole + 1;

QIcon swatch(const QColor& c) {
  QPixmap pm(16, 16);
  pm.fill(Qt::transparent);
  QPainter p(&pm);
  p.setPen(c.darker(170));
  p.setBrush(c);
  p.drawRect(QRectF(0.5, 0.5, 15, 15));
  return QIcon(pm);
}

}  // namespace

LabelPanel::LabelPanel(Project* project, QWidget* parent)
    : QWidget(parent), project_(project), refreshTimer_(new QTimer(this)) {
  setObjectName(QStringLiteral("labelPanel"));
  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("labelList"));
  list_->setSelectionMode(QAbstractItemView::SingleSelection);
  list_->setToolTip(tr("Click a label to select its boxes on the image; double-click or F2 to rename it"));
  rename_ = new QPushButton(tr("Rename…"), this);
  rename_->setObjectName(QStringLiteral("renameLabelButton"));
  rename_->setToolTip(tr("Rename the label on every image (a name that already exists merges the two labels)"));
  color_ = new QPushButton(tr("Colour…"), this);
  color_->setObjectName(QStringLiteral("labelColorButton"));
  color_->setToolTip(tr("Choose the colour of the label's boxes (saved in the project)"));
  autoColor_ = new QPushButton(tr("Automatic colour"), this);
  autoColor_->setObjectName(QStringLiteral("labelAutoColorButton"));
  autoColor_->setToolTip(tr("Forget the chosen colour: the label gets its automatic colour again"));

  auto* buttons = new QHBoxLayout;
  buttons->setContentsMargins(0, 0, 0, 0);
  buttons->addWidget(rename_);
  buttons->addWidget(color_);
  buttons->addWidget(autoColor_);
  buttons->addStretch(1);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->addWidget(list_, 1);
  layout->addLayout(buttons);

  list_->installEventFilter(this);  // F2: rename

  refreshTimer_->setSingleShot(true);
  refreshTimer_->setInterval(0);
  connect(refreshTimer_, &QTimer::timeout, this, &LabelPanel::refresh);
  connect(rename_, &QPushButton::clicked, this, &LabelPanel::renameCurrent);
  connect(color_, &QPushButton::clicked, this, &LabelPanel::chooseColorForCurrent);
  connect(autoColor_, &QPushButton::clicked, this, [this] {
    if (project_ && list_->currentItem()) project_->labelColors()->setColor(currentLabel(), QColor());
  });
  connect(list_, &QListWidget::itemDoubleClicked, this, &LabelPanel::renameCurrent);
  auto clicked = [this](QListWidgetItem* it) {
    if (it) emit labelClicked(it->data(kLabelRole).toString());
  };
  connect(list_, &QListWidget::itemClicked, this, clicked);
  connect(list_, &QListWidget::itemActivated, this, clicked);  // Enter
  connect(list_, &QListWidget::currentItemChanged, this, &LabelPanel::updateButtons);

  connect(project_, &Project::labelsChanged, this, &LabelPanel::scheduleRefresh);
  connect(project_->labelColors(), &LabelColors::changed, this, &LabelPanel::scheduleRefresh);
  connect(project_, &Project::imageAdded, this, [this](int i) {
    watch(project_->image(i));
    scheduleRefresh();
  });
  connect(project_, &Project::imageRemoved, this, &LabelPanel::scheduleRefresh);
  connect(project_, &Project::imagesReset, this, [this] {
    for (ImageDocument* d : project_->images()) watch(d);
    scheduleRefresh();
  });
  for (ImageDocument* d : project_->images()) watch(d);
  refresh();
}

bool LabelPanel::eventFilter(QObject* watched, QEvent* e) {
  if (watched == list_ && e->type() == QEvent::KeyPress && static_cast<QKeyEvent*>(e)->key() == Qt::Key_F2 &&
      static_cast<QKeyEvent*>(e)->modifiers() == Qt::NoModifier) {
    renameCurrent();
    return true;
  }
  return QWidget::eventFilter(watched, e);
}

void LabelPanel::watch(ImageDocument* doc) {
  if (doc) connect(doc, &ImageDocument::changed, this, &LabelPanel::scheduleRefresh, Qt::UniqueConnection);
}

void LabelPanel::scheduleRefresh() {
  if (!refreshTimer_->isActive()) refreshTimer_->start();
}

void LabelPanel::refresh() {
  refreshTimer_->stop();
  if (!project_) return;
  const QHash<QString, int> counts = project_->boxCountByLabel();
  QStringList shown = project_->labels();
  QSet<QString> seen(shown.cbegin(), shown.cend());
  for (const ImageDocument* d : project_->images())
    for (const Box& b : d->boxes())
      if (!seen.contains(b.label)) {
        seen.insert(b.label);
        shown << b.label;
      }
  const QString current = currentLabel();
  const QSignalBlocker block(list_);
  list_->clear();
  for (const QString& label : std::as_const(shown)) {
    const int n = counts.value(label);
    const QString name = label.isEmpty() ? tr("(no label)") : label;
    auto* it = new QListWidgetItem(swatch(labelColor(label, project_->labelColors())), tr("%1 (%2)").arg(name).arg(n),
                                   list_);
    it->setData(kLabelRole, label);
    it->setData(kCountRole, n);
    it->setToolTip(tr("%n box(es) labelled “%1” in the project", nullptr, n).arg(name));
    if (label == current) list_->setCurrentItem(it);
  }
  updateButtons();
}

QStringList LabelPanel::labels() const {
  QStringList out;
  for (int i = 0; i < list_->count(); ++i) out << list_->item(i)->data(kLabelRole).toString();
  return out;
}

int LabelPanel::boxCount(const QString& label) const {
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->data(kLabelRole).toString() == label) return list_->item(i)->data(kCountRole).toInt();
  return -1;
}

QString LabelPanel::currentLabel() const {
  const QListWidgetItem* it = list_->currentItem();
  return it ? it->data(kLabelRole).toString() : QString();
}

void LabelPanel::setCurrentLabel(const QString& label) {
  for (int i = 0; i < list_->count(); ++i)
    if (list_->item(i)->data(kLabelRole).toString() == label) list_->setCurrentRow(i);
}

void LabelPanel::updateButtons() {
  const bool has = list_->currentItem() != nullptr;
  rename_->setEnabled(has);
  color_->setEnabled(has);
  autoColor_->setEnabled(has && project_ && project_->labelColors()->contains(currentLabel()));
}

QList<quint64> LabelPanel::boxIds(const ImageDocument* doc, const QString& label) {
  QList<quint64> ids;
  if (doc)
    for (const Box& b : doc->boxes())
      if (b.label == label) ids << b.id;
  return ids;
}

void LabelPanel::renameCurrent() {
  if (!project_ || !list_->currentItem()) return;
  const QString from = currentLabel();
  QInputDialog dlg(this);
  dlg.setObjectName(QStringLiteral("renameLabelDialog"));
  dlg.setWindowTitle(tr("Rename label"));
  dlg.setLabelText(tr("New name for “%1” on every image (an existing label's name merges the two):").arg(from));
  dlg.setTextValue(from);
  if (dlg.exec() != QDialog::Accepted) return;
  const QString to = dlg.textValue().trimmed();
  if (to.isEmpty() || to == from) return;
  project_->renameLabel(from, to);
  refresh();
  setCurrentLabel(to);
}

void LabelPanel::chooseColorForCurrent() {
  if (!project_ || !list_->currentItem()) return;
  const QString label = currentLabel();
  QColorDialog dlg(labelColor(label, project_->labelColors()), this);
  dlg.setObjectName(QStringLiteral("labelColorDialog"));
  dlg.setWindowTitle(tr("Colour of “%1”").arg(label));
  dlg.setOption(QColorDialog::DontUseNativeDialog);
  if (dlg.exec() != QDialog::Accepted) return;
  project_->labelColors()->setColor(label, dlg.currentColor());
}

}  // namespace glip::studio
