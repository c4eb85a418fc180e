// Small dialogs of GLIP Studio: relabel (label list with search), model choice, settings (language, autosave,
// batch default, rebindable shortcuts).
#pragma once
#include <QDialog>
#include <QList>

class QAction;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;
class QSpinBox;
class QTableWidget;

namespace glip::studio {

class StudioSettings;

// Pick a label from the known ones (filtered by the search text) or type a new one.
class LabelDialog : public QDialog {
  Q_OBJECT
 public:
  LabelDialog(const QStringList& labels, const QString& current, QWidget* parent = nullptr);
  QString label() const;
  QLineEdit* searchEdit() const { return search_; }
  QListWidget* list() const { return list_; }

 private:
  void filter(const QString& text);
  QLineEdit* search_;
  QListWidget* list_;
};

struct ModelChoice {
  QString config;   // GLIP YAML
  QString weights;  // "" -> MODEL.WEIGHT relative to the config
  QString device;   // "cpu" / "cuda"
};

class ModelDialog : public QDialog {
  Q_OBJECT
 public:
  ModelDialog(const ModelChoice& current, QWidget* parent = nullptr);
  ModelChoice choice() const;

 private:
  QComboBox* config_;
  QLineEdit* weights_;
  QComboBox* device_;
};

class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  // `actions`: the rebindable actions (objectName = id, property "defaultShortcuts" = their defaults).
  SettingsDialog(StudioSettings* settings, const QList<QAction*>& actions, QWidget* parent = nullptr);
  void accept() override;  // writes the settings and applies the shortcuts to the actions
  QTableWidget* shortcutTable() const { return table_; }

 private:
  StudioSettings* settings_;
  QList<QAction*> actions_;
  QComboBox* language_;
  QSpinBox* autosave_;
  QCheckBox* batchReplace_;
  QTableWidget* table_;
};

// Applies the user's shortcuts (settings) or the defaults to the actions.
void applyShortcuts(StudioSettings& settings, const QList<QAction*>& actions);

}  // namespace glip::studio
