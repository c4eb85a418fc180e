#include "ui/studio/dialogs.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHash>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QKeySequence>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <tuple>
#include <vector>

#include "core/engine/engine.h"
#include "ui/studio/model_locator.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

// ----------------------------------------------------------------------------------------------------------------
namespace {

constexpr int kLabelRole = Qt::UserRole;       // the label an entry stands for
constexpr int kCreateRole = Qt::UserRole + 1;  // true on the "Create label “…”" entry

bool wordStartAt(const QString& s, int i) { return i == 0 || !s[i - 1].isLetterOrNumber(); }

// Subsequence match: the span (last - first matched index), -1 when `q` is no subsequence of `s`. Greedy from
// each possible start, keeping the tightest span.
int subsequenceSpan(const QString& s, const QString& q) {
  int best = -1;
  for (int start = s.indexOf(q[0]); start >= 0; start = s.indexOf(q[0], start + 1)) {
    int j = 1, i = start + 1;
    for (; i < s.size() && j < q.size(); ++i)
      if (s[i] == q[j]) ++j;
    if (j < q.size()) break;  // a later start cannot match either
    const int span = i - 1 - start;
    if (best < 0 || span < best) best = span;
  }
  return best;
}

}  // namespace

LabelMatch matchLabel(const QString& label, const QString& query) {
  const QString s = label.toCaseFolded(), q = query.trimmed().toCaseFolded();
  if (q.isEmpty()) return LabelMatch::Prefix;
  if (s == q) return LabelMatch::Exact;
  if (s.startsWith(q)) return LabelMatch::Prefix;
  bool substring = false;
  for (int i = s.indexOf(q); i >= 0; i = s.indexOf(q, i + 1)) {
    if (wordStartAt(s, i)) return LabelMatch::WordStart;
    substring = true;
  }
  if (substring) return LabelMatch::Substring;
  return subsequenceSpan(s, q) >= 0 ? LabelMatch::Subsequence : LabelMatch::NoMatch;
}

QStringList rankLabels(const QStringList& labels, const QString& query) {
  const QString q = query.trimmed().toCaseFolded();
  if (q.isEmpty()) return labels;
  struct Ranked {
    LabelMatch match;
    int span, pos, index;
  };
  std::vector<Ranked> ranked;
  for (int i = 0; i < labels.size(); ++i) {
    const LabelMatch m = matchLabel(labels[i], q);
    if (m == LabelMatch::NoMatch) continue;
    const QString s = labels[i].toCaseFolded();
    const int span = m == LabelMatch::Subsequence ? subsequenceSpan(s, q) : 0;
    const int at = static_cast<int>(s.indexOf(q));
    ranked.push_back({m, span, at >= 0 ? at : static_cast<int>(s.indexOf(q[0])), i});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.match, a.span, a.pos, a.index) < std::tie(b.match, b.span, b.pos, b.index);
  });
  QStringList out;
  for (const Ranked& r : ranked) out << labels[r.index];
  return out;
}

LabelDialog::LabelDialog(const QStringList& labels, const QString& current, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("labelDialog"));
  setWindowTitle(tr("Relabel box"));
  auto* lay = new QVBoxLayout(this);
  auto* hint = new QLabel(tr("Search the labels (a few letters in order are enough):"), this);
  hint->setWordWrap(true);
  lay->addWidget(hint);
  search_ = new QLineEdit(this);
  search_->setObjectName(QStringLiteral("labelSearch"));
  search_->setPlaceholderText(tr("Label"));
  search_->setClearButtonEnabled(true);
  search_->installEventFilter(this);
  lay->addWidget(search_);
  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("labelList"));
  labels_ = labels;
  labels_.removeDuplicates();
  labels_.removeAll(QString());
  lay->addWidget(list_);
  hint_ = new QLabel(this);
  hint_->setObjectName(QStringLiteral("labelHint"));
  hint_->setWordWrap(true);
  lay->addWidget(hint_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  ok_ = buttons->button(QDialogButtonBox::Ok);
  lay->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &LabelDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(search_, &QLineEdit::textChanged, this, &LabelDialog::filter);
  connect(list_, &QListWidget::itemDoubleClicked, this, &LabelDialog::accept);
  connect(list_, &QListWidget::currentItemChanged, this, &LabelDialog::updateState);
  filter(QString());  // every label, the current one highlighted
  if (auto* it = list_->findItems(current, Qt::MatchExactly).value(0)) list_->setCurrentItem(it);
  search_->setFocus();
}

void LabelDialog::filter(const QString& text) {
  const QSignalBlocker block(list_);
  list_->clear();
  for (const QString& l : rankLabels(labels_, text)) {
    auto* it = new QListWidgetItem(l, list_);
    it->setData(kLabelRole, l);
  }
  const QString typed = text.trimmed();
  const bool matches = list_->count() > 0;
  if (!typed.isEmpty() && !labels_.contains(typed)) {
    auto* create = new QListWidgetItem(tr("Create label “%1”").arg(typed), list_);
    create->setData(kLabelRole, typed);
    create->setData(kCreateRole, true);
    create->setIcon(style()->standardIcon(QStyle::SP_FileDialogNewFolder));
  }
  // The best match is highlighted; with none, nothing is (Enter must not create the label by itself).
  list_->setCurrentRow(matches ? 0 : -1);
  updateState();
}

void LabelDialog::updateState() {
  QListWidgetItem* cur = list_->currentItem();
  ok_->setEnabled(cur != nullptr);
  if (cur && cur->data(kCreateRole).toBool())
    hint_->setText(tr("OK creates the new label “%1”.").arg(cur->data(kLabelRole).toString()));
  else if (!cur && createItem())
    hint_->setText(tr("No label matches. To add “%1”, choose “Create label” (Down, then Enter).")
                       .arg(createItem()->data(kLabelRole).toString()));
  else if (!cur)
    hint_->setText(tr("No label matches."));
  else
    hint_->clear();
}

QListWidgetItem* LabelDialog::createItem() const {
  for (int i = list_->count() - 1; i >= 0; --i)
    if (list_->item(i)->data(kCreateRole).toBool()) return list_->item(i);
  return nullptr;
}

QString LabelDialog::label() const {
  const QListWidgetItem* cur = list_->currentItem();
  return cur ? cur->data(kLabelRole).toString() : QString();
}

bool LabelDialog::isNewLabel() const {
  const QListWidgetItem* cur = list_->currentItem();
  return cur && cur->data(kCreateRole).toBool();
}

void LabelDialog::accept() {
  if (label().isEmpty()) return;  // nothing highlighted: nothing to take
  QDialog::accept();
}

bool LabelDialog::eventFilter(QObject* watched, QEvent* event) {
  // Up/Down/Page Up/Page Down in the search field move the highlight in the list.
  if (watched == search_ && event->type() == QEvent::KeyPress) {
    switch (static_cast<QKeyEvent*>(event)->key()) {
      case Qt::Key_Up:
      case Qt::Key_Down:
      case Qt::Key_PageUp:
      case Qt::Key_PageDown:
        if (list_->count() > 0) {
          if (!list_->currentItem()) list_->setCurrentRow(static_cast<QKeyEvent*>(event)->key() == Qt::Key_Up
                                                              ? list_->count() - 1
                                                              : 0);
          else QCoreApplication::sendEvent(list_, event);
        }
        return true;
      default: break;
    }
  }
  return QDialog::eventFilter(watched, event);
}

// ----------------------------------------------------------------------------------------------------------------
ModelDialog::ModelDialog(const ModelChoice& current, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("modelDialog"));
  setWindowTitle(tr("Choose model"));
  auto* lay = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  config_ = new QComboBox(this);
  config_->setObjectName(QStringLiteral("modelConfig"));
  config_->setEditable(true);
  for (const QString& c : scanConfigs(findModelsDir())) config_->addItem(c);
  config_->setCurrentText(current.config.isEmpty() ? demoConfigPath() : current.config);
  auto* browseConfig = new QPushButton(tr("Browse…"), this);
  auto* crow = new QHBoxLayout;
  crow->addWidget(config_, 1);
  crow->addWidget(browseConfig);
  form->addRow(tr("Configuration (YAML):"), crow);
  weights_ = new QLineEdit(current.weights, this);
  weights_->setObjectName(QStringLiteral("modelWeights"));
  weights_->setPlaceholderText(tr("MODEL.WEIGHT of the configuration"));
  auto* browseWeights = new QPushButton(tr("Browse…"), this);
  auto* wrow = new QHBoxLayout;
  wrow->addWidget(weights_, 1);
  wrow->addWidget(browseWeights);
  form->addRow(tr("Weights (.pth):"), wrow);
  device_ = new QComboBox(this);
  device_->setObjectName(QStringLiteral("modelDevice"));
  device_->addItem(tr("CPU"), QStringLiteral("cpu"));
  if (glip::cuda_available()) device_->addItem(tr("CUDA (GPU)"), QStringLiteral("cuda"));
  device_->setCurrentIndex(std::max(0, device_->findData(current.device)));
  form->addRow(tr("Device:"), device_);
  precision_ = new QComboBox(this);
  precision_->setObjectName(QStringLiteral("modelPrecision"));
  precision_->addItem(tr("fp32 (reference)"), QStringLiteral("fp32"));
  precision_->addItem(tr("bf16 (faster on the CPU)"), QStringLiteral("bf16"));
  std::string why;
  if (!glip::bf16_supported(&why)) {  // shown, but not selectable, with the reason
    if (auto* model = qobject_cast<QStandardItemModel*>(precision_->model())) model->item(1)->setEnabled(false);
    precision_->setItemData(1, tr("Not available here: %1").arg(QString::fromStdString(why)), Qt::ToolTipRole);
  }
  precision_->setCurrentIndex(std::max(0, precision_->findData(current.precision)));
  if (precision_->currentIndex() == 1 && !why.empty()) precision_->setCurrentIndex(0);
  precision_->setToolTip(tr("bf16 runs the heavy layers (FPN, the fusion head) with bfloat16 inputs and fp32 "
                            "sums: GLIP-T runs about 1.25× as fast on CPUs with AVX512-BF16 or AMX, with slightly "
                            "different scores (docs/PERFORMANCE.md). fp32 gives the official model's results."));
  form->addRow(tr("Precision:"), precision_);
  lay->addLayout(form);
  auto* help = new QLabel(tr("Without real weights GLIP Studio uses the bundled demo model, whose boxes are random. "
                             "See models/README.md for the official GLIP checkpoints."),
                          this);
  help->setWordWrap(true);
  lay->addWidget(help);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  lay->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(browseConfig, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("GLIP configuration"), QFileInfo(config_->currentText()).path(),
                                                   tr("GLIP configuration (*.yaml *.yml)"));
    if (!f.isEmpty()) config_->setCurrentText(f);
  });
  connect(browseWeights, &QPushButton::clicked, this, [this] {
    const QString f = QFileDialog::getOpenFileName(this, tr("GLIP weights"), QFileInfo(config_->currentText()).path(),
                                                   tr("PyTorch checkpoint (*.pth *.pt)"));
    if (!f.isEmpty()) weights_->setText(f);
  });
}

ModelChoice ModelDialog::choice() const {
  return {config_->currentText().trimmed(), weights_->text().trimmed(), device_->currentData().toString(),
          precision_->currentData().toString()};
}

// ----------------------------------------------------------------------------------------------------------------
void applyShortcuts(StudioSettings& settings, const QList<QAction*>& actions) {
  for (QAction* a : actions) {
    const auto defaults = a->property("defaultShortcuts").value<QList<QKeySequence>>();
    a->setShortcuts(settings.shortcuts(a->objectName(), defaults));
  }
}

namespace {
QString actionName(const QAction* a) { return a->text().remove(QLatin1Char('&')); }
}  // namespace

SettingsDialog::SettingsDialog(StudioSettings* settings, const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent), settings_(settings), actions_(actions) {
  setObjectName(QStringLiteral("settingsDialog"));
  setWindowTitle(tr("Settings"));
  resize(680, 540);
  auto* lay = new QVBoxLayout(this);
  auto* form = new QFormLayout;
  language_ = new QComboBox(this);
  language_->setObjectName(QStringLiteral("language"));
  language_->addItem(tr("System language"), QString());
  language_->addItem(QStringLiteral("English"), QStringLiteral("en"));
  language_->addItem(QStringLiteral("中文（简体）"), QStringLiteral("zh_CN"));
  language_->setCurrentIndex(std::max(0, language_->findData(settings->language())));
  form->addRow(tr("Language (after a restart):"), language_);
  autosave_ = new QSpinBox(this);
  autosave_->setObjectName(QStringLiteral("autosave"));
  autosave_->setRange(0, StudioSettings::kMaxAutosaveSeconds);
  autosave_->setSuffix(tr(" s"));
  autosave_->setSpecialValueText(tr("Off"));
  autosave_->setToolTip(tr("Seconds after a change until it is written to the autosave file: at most this much work "
                           "is lost if the studio crashes. Off: nothing is autosaved."));
  autosave_->setValue(settings->autosaveSeconds());
  form->addRow(tr("Autosave every:"), autosave_);
  batchReplace_ = new QCheckBox(tr("Batch runs replace the boxes of edited and reviewed images"), this);
  batchReplace_->setChecked(settings->batchReplacesBoxes());
  form->addRow(batchReplace_);
  previewSize_ = new QComboBox(this);
  previewSize_->setObjectName(QStringLiteral("previewSize"));
  previewSize_->addItem(tr("Off (model size)"), 0);
  for (const int size : {480, 640}) previewSize_->addItem(tr("%1 px").arg(size), size);
  if (const int size = settings->previewSize(); previewSize_->findData(size) < 0)  // another value, from the INI
    previewSize_->addItem(tr("%1 px").arg(size), size);
  previewSize_->setCurrentIndex(std::max(0, previewSize_->findData(settings->previewSize())));
  previewSize_->setToolTip(tr("Single-image runs resize the image so that its shorter side has this size instead of "
                              "the model's own size: faster, but less precise (small objects may be missed). Model ▸ "
                              "Run at full size gives the model's result. Batches always run at the model's size, and "
                              "so does a preview size that is not smaller than the model's own."));
  form->addRow(tr("Preview size:"), previewSize_);
  lay->addLayout(form);

  auto* help = new QLabel(tr("Shortcuts: click a field under “Press keys” and press the keys, or type them "
                             "(several separated by “; ”). Empty means no shortcut."),
                          this);
  help->setWordWrap(true);
  lay->addWidget(help);
  table_ = new QTableWidget(actions.size(), 3, this);
  table_->setObjectName(QStringLiteral("shortcuts"));
  table_->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut"), tr("Press keys")});
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
  table_->verticalHeader()->hide();
  for (int i = 0; i < actions.size(); ++i) {
    auto* name = new QTableWidgetItem(actionName(actions[i]));
    name->setFlags(Qt::ItemIsEnabled);
    name->setData(Qt::UserRole, actions[i]->objectName());
    table_->setItem(i, 0, name);
    table_->setItem(i, 1, new QTableWidgetItem(QKeySequence::listToString(actions[i]->shortcuts(), QKeySequence::PortableText)));
    // Pressing keys in the recorder replaces the row's shortcuts; it empties itself once the recording ends.
    auto* rec = new QKeySequenceEdit(table_);
    rec->setObjectName(QStringLiteral("record_") + actions[i]->objectName());
    rec->setToolTip(tr("Press the new shortcut of “%1”").arg(name->text()));
    if (auto* inner = rec->findChild<QLineEdit*>()) inner->setPlaceholderText(tr("Press keys"));  // (Qt's may lack a translation)
    table_->setCellWidget(i, 2, rec);
    const auto take = [this, i, rec] {
      if (!rec->keySequence().isEmpty()) table_->item(i, 1)->setText(rec->keySequence().toString(QKeySequence::PortableText));
    };
    connect(rec, &QKeySequenceEdit::keySequenceChanged, this, take);
    // Qt announces the sequence only when the recording ends (a second after the last key): show each key at once.
    if (auto* inner = rec->findChild<QLineEdit*>()) connect(inner, &QLineEdit::textChanged, this, take);
    connect(rec, &QKeySequenceEdit::editingFinished, rec, [rec] {
      const QSignalBlocker b(rec);
      rec->clear();
    });
  }
  lay->addWidget(table_, 1);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::RestoreDefaults, this);
  lay->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
    for (int i = 0; i < actions_.size(); ++i)
      table_->item(i, 1)->setText(QKeySequence::listToString(
          actions_[i]->property("defaultShortcuts").value<QList<QKeySequence>>(), QKeySequence::PortableText));
  });
}

QKeySequenceEdit* SettingsDialog::recorder(int row) const {
  return qobject_cast<QKeySequenceEdit*>(table_->cellWidget(row, 2));
}

bool SettingsDialog::parseShortcuts(const QString& text, QList<QKeySequence>* out, QString* bad) {
  QList<QKeySequence> keys;
  // "; " separates shortcuts as QKeySequence writes them (spaces after the ";" required: "Ctrl+;" and "Ctrl++"
  // are keys).
  static const QRegularExpression sep(QStringLiteral(";\\s+"));
  for (const QString& part : text.split(sep)) {
    const QString p = part.trimmed();
    if (p.isEmpty()) continue;
    const QKeySequence k = QKeySequence::fromString(p, QKeySequence::PortableText);
    bool ok = !k.isEmpty();
    for (int c = 0; ok && c < k.count(); ++c) ok = k[c].key() != Qt::Key_unknown && k[c].key() != 0;
    if (!ok) {
      if (bad) *bad = p;
      return false;
    }
    keys << k;
  }
  if (out) *out = keys;
  return true;
}

QString SettingsDialog::validate(QVector<QList<QKeySequence>>* parsedOut) const {
  // Unknown key names and one sequence on two actions are refused; both name the rows.
  QHash<QKeySequence, QString> used;
  QVector<QList<QKeySequence>> parsed(actions_.size());
  for (int i = 0; i < actions_.size(); ++i) {
    const QString name = table_->item(i, 0)->text();
    QString bad;
    if (!parseShortcuts(table_->item(i, 1)->text(), &parsed[i], &bad))
      return tr("“%1” is not a valid shortcut (row “%2”).").arg(bad, name);
    for (const QKeySequence& k : parsed[i]) {
      if (used.contains(k))
        return tr("%1 is used by both “%2” and “%3”.").arg(k.toString(QKeySequence::NativeText), used[k], name);
      used.insert(k, name);
    }
  }
  if (parsedOut) *parsedOut = parsed;
  return QString();
}

void SettingsDialog::accept() {
  QVector<QList<QKeySequence>> parsed;
  const QString problem = validate(&parsed);
  if (!problem.isEmpty()) {
    QMessageBox::warning(this, windowTitle(), problem);
    return;
  }
  settings_->setLanguage(language_->currentData().toString());
  settings_->setAutosaveSeconds(autosave_->value());
  settings_->setBatchReplacesBoxes(batchReplace_->isChecked());
  settings_->setPreviewSize(previewSize_->currentData().toInt());
  for (int i = 0; i < actions_.size(); ++i) settings_->setShortcuts(actions_[i]->objectName(), parsed[i]);
  settings_->sync();
  applyShortcuts(*settings_, actions_);
  QDialog::accept();
}

// ----------------------------------------------------------------------------------------------------------------
KeyboardShortcutsDialog::KeyboardShortcutsDialog(const QList<QAction*>& actions, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("keyboardShortcutsDialog"));
  setWindowTitle(tr("Keyboard shortcuts"));
  resize(520, 520);
  auto* lay = new QVBoxLayout(this);
  filter_ = new QLineEdit(this);
  filter_->setObjectName(QStringLiteral("shortcutFilter"));
  filter_->setPlaceholderText(tr("Filter by action or key"));
  filter_->setClearButtonEnabled(true);
  lay->addWidget(filter_);
  table_ = new QTableWidget(actions.size(), 2, this);
  table_->setObjectName(QStringLiteral("shortcutList"));
  table_->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  for (int i = 0; i < actions.size(); ++i) {
    auto* name = new QTableWidgetItem(actionName(actions[i]));
    name->setData(Qt::UserRole, actions[i]->objectName());
    table_->setItem(i, 0, name);
    const QList<QKeySequence> keys = actions[i]->shortcuts();
    table_->setItem(i, 1, new QTableWidgetItem(keys.isEmpty() ? tr("(none)")
                                                              : QKeySequence::listToString(keys, QKeySequence::NativeText)));
  }
  lay->addWidget(table_, 1);
  auto* hint = new QLabel(tr("Change the shortcuts in Settings."), this);
  lay->addWidget(hint);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  lay->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(filter_, &QLineEdit::textChanged, this, [this](const QString& text) {
    const QString t = text.trimmed();
    for (int i = 0; i < table_->rowCount(); ++i)
      table_->setRowHidden(i, !t.isEmpty() && !table_->item(i, 0)->text().contains(t, Qt::CaseInsensitive) &&
                                  !table_->item(i, 1)->text().contains(t, Qt::CaseInsensitive));
  });
}

}  // namespace glip::studio
