#include "ui/studio/dialogs.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "ui/studio/model_locator.h"
#include "ui/studio/studio_settings.h"

namespace glip::studio {

// ----------------------------------------------------------------------------------------------------------------
LabelDialog::LabelDialog(const QStringList& labels, const QString& current, QWidget* parent) : QDialog(parent) {
  setObjectName(QStringLiteral("labelDialog"));
  setWindowTitle(tr("Relabel box"));
  auto* lay = new QVBoxLayout(this);
  auto* hint = new QLabel(tr("Search the labels or type a new one:"), this);
  lay->addWidget(hint);
  search_ = new QLineEdit(this);
  search_->setObjectName(QStringLiteral("labelSearch"));
  search_->setPlaceholderText(tr("Label"));
  search_->setClearButtonEnabled(true);
  lay->addWidget(search_);
  list_ = new QListWidget(this);
  list_->setObjectName(QStringLiteral("labelList"));
  QStringList sorted = labels;
  sorted.removeDuplicates();
  sorted.removeAll(QString());
  for (const QString& l : sorted) list_->addItem(l);
  lay->addWidget(list_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  lay->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  connect(search_, &QLineEdit::textChanged, this, &LabelDialog::filter);
  connect(list_, &QListWidget::itemDoubleClicked, this, &QDialog::accept);
  connect(list_, &QListWidget::currentTextChanged, this, [this](const QString& t) {
    if (!t.isEmpty() && !search_->hasFocus()) {
      const QSignalBlocker b(search_);
      search_->setText(t);
    }
  });
  search_->setText(current);
  search_->selectAll();
  filter(QString());
  if (auto* it = list_->findItems(current, Qt::MatchExactly).value(0)) list_->setCurrentItem(it);
}

void LabelDialog::filter(const QString& text) {
  for (int i = 0; i < list_->count(); ++i)
    list_->item(i)->setHidden(!text.isEmpty() && !list_->item(i)->text().contains(text, Qt::CaseInsensitive));
}

QString LabelDialog::label() const { return search_->text().trimmed(); }

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
  if (cudaAvailable()) device_->addItem(tr("CUDA (GPU)"), QStringLiteral("cuda"));
  device_->setCurrentIndex(std::max(0, device_->findData(current.device)));
  form->addRow(tr("Device:"), device_);
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
  return {config_->currentText().trimmed(), weights_->text().trimmed(), device_->currentData().toString()};
}

// ----------------------------------------------------------------------------------------------------------------
void applyShortcuts(StudioSettings& settings, const QList<QAction*>& actions) {
  for (QAction* a : actions) {
    const auto defaults = a->property("defaultShortcuts").value<QList<QKeySequence>>();
    a->setShortcuts(settings.shortcuts(a->objectName(), defaults));
  }
}

SettingsDialog::SettingsDialog(StudioSettings* settings, const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent), settings_(settings), actions_(actions) {
  setObjectName(QStringLiteral("settingsDialog"));
  setWindowTitle(tr("Settings"));
  resize(560, 520);
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
  autosave_->setRange(0, 3600);
  autosave_->setSuffix(tr(" s"));
  autosave_->setSpecialValueText(tr("Off"));
  autosave_->setValue(settings->autosaveSeconds());
  form->addRow(tr("Autosave every:"), autosave_);
  batchReplace_ = new QCheckBox(tr("Batch runs replace the boxes of edited and reviewed images"), this);
  batchReplace_->setChecked(settings->batchReplacesBoxes());
  form->addRow(batchReplace_);
  lay->addLayout(form);

  lay->addWidget(new QLabel(tr("Shortcuts (several separated by “; ”):"), this));
  table_ = new QTableWidget(actions.size(), 2, this);
  table_->setObjectName(QStringLiteral("shortcuts"));
  table_->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
  table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
  table_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
  table_->verticalHeader()->hide();
  for (int i = 0; i < actions.size(); ++i) {
    auto* name = new QTableWidgetItem(actions[i]->text().remove(QLatin1Char('&')));
    name->setFlags(Qt::ItemIsEnabled);
    name->setData(Qt::UserRole, actions[i]->objectName());
    table_->setItem(i, 0, name);
    table_->setItem(i, 1, new QTableWidgetItem(QKeySequence::listToString(actions[i]->shortcuts(), QKeySequence::PortableText)));
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

void SettingsDialog::accept() {
  // Validate first: unknown key names and one sequence on two actions are refused.
  QHash<QKeySequence, QString> used;
  QVector<QList<QKeySequence>> parsed(actions_.size());
  for (int i = 0; i < actions_.size(); ++i) {
    const QString text = table_->item(i, 1)->text().trimmed();
    parsed[i] = QKeySequence::listFromString(text, QKeySequence::PortableText);
    for (const QKeySequence& k : parsed[i]) {
      if (k.isEmpty() || k[0].key() == Qt::Key_unknown) {
        QMessageBox::warning(this, windowTitle(), tr("“%1” is not a valid shortcut.").arg(text));
        return;
      }
      if (used.contains(k)) {
        QMessageBox::warning(this, windowTitle(),
                             tr("%1 is used by both “%2” and “%3”.")
                                 .arg(k.toString(QKeySequence::NativeText), used[k], table_->item(i, 0)->text()));
        return;
      }
      used.insert(k, table_->item(i, 0)->text());
    }
  }
  settings_->setLanguage(language_->currentData().toString());
  settings_->setAutosaveSeconds(autosave_->value());
  settings_->setBatchReplacesBoxes(batchReplace_->isChecked());
  for (int i = 0; i < actions_.size(); ++i) {
    const auto defaults = actions_[i]->property("defaultShortcuts").value<QList<QKeySequence>>();
    if (parsed[i] == defaults) settings_->setShortcuts(actions_[i]->objectName(), defaults);
    else settings_->setShortcuts(actions_[i]->objectName(), parsed[i]);
  }
  settings_->sync();
  applyShortcuts(*settings_, actions_);
  QDialog::accept();
}

}  // namespace glip::studio
