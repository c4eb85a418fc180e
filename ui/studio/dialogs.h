// Small dialogs of GLIP Studio: relabel (label list with fuzzy search), model choice, settings (language, autosave,
// batch default, rebindable shortcuts), the read-only list of keyboard shortcuts.
#pragma once
#include <QDialog>
#include <QKeySequence>
#include <QList>
#include <QStringList>

class QAction;
class QCheckBox;
class QComboBox;
class QKeySequenceEdit;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace glip::studio {

class StudioSettings;

// How well `label` matches the search `query` (case-insensitive): Exact, Prefix ("cof" in "coffee mug"),
// WordStart ("mug"), Substring ("ffee"), Subsequence ("cmug": the letters in order); NoMatch otherwise.
enum class LabelMatch { Exact, Prefix, WordStart, Substring, Subsequence, NoMatch };
LabelMatch matchLabel(const QString& label, const QString& query);
// The labels that match `query`, best first: by LabelMatch, then the tighter subsequence (fewer characters
// between the first and last matched one), then the earlier match, then the given order. All when `query` is
// empty (in the given order).
QStringList rankLabels(const QStringList& labels, const QString& query);

// Pick a label from the known ones with a fuzzy search. The list shows the matches, best first, the first one
// highlighted; Up/Down move the highlight, Enter (or OK) takes the highlighted entry. A new label needs an explicit
// choice: the entry "Create label “…”" at the end of the list (highlight it, or click it); Enter with no match
// creates nothing.
class LabelDialog : public QDialog {
  Q_OBJECT
 public:
  LabelDialog(const QStringList& labels, const QString& current, QWidget* parent = nullptr);
  QString label() const;          // the highlighted entry's label ("" when none is highlighted)
  bool isNewLabel() const;        // the highlighted entry is "Create label “…”"
  QLineEdit* searchEdit() const { return search_; }
  QListWidget* list() const { return list_; }
  QListWidgetItem* createItem() const;  // the "Create label “…”" entry, nullptr when there is none
  void accept() override;               // only with a highlighted entry

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void filter(const QString& text);
  void updateState();
  QStringList labels_;
  QLineEdit* search_;
  QListWidget* list_;
  QLabel* hint_;
  QPushButton* ok_;
};

struct ModelChoice {
  QString config;   // GLIP YAML
  QString weights;  // "" -> MODEL.WEIGHT relative to the config
  QString device;   // "cpu" / "cuda"
  QString precision = QStringLiteral("fp32");  // "fp32" / "bf16" (glip::ModelParams::precision)
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
  QComboBox* precision_;
};

class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  // `actions`: the rebindable actions (objectName = id, property "defaultShortcuts" = their defaults).
  SettingsDialog(StudioSettings* settings, const QList<QAction*>& actions, QWidget* parent = nullptr);
  void accept() override;  // validates, writes the settings and applies the shortcuts to the actions
  // Column 0: the action's name; column 1: its shortcuts as text ("; " between several, empty = none), editable;
  // column 2: a QKeySequenceEdit that records pressed keys into column 1 (recorder(row)).
  QTableWidget* shortcutTable() const { return table_; }
  QKeySequenceEdit* recorder(int row) const;
  // "" when the table is valid, else the problem (naming the row's action): an invalid shortcut, or one
  // sequence on two actions. `parsed` receives each row's shortcuts.
  QString validate(QVector<QList<QKeySequence>>* parsed = nullptr) const;
  // One row's text -> shortcuts: "; " between several, empty parts ignored; false when a part is no shortcut
  // (*bad = that part).
  static bool parseShortcuts(const QString& text, QList<QKeySequence>* out, QString* bad = nullptr);

 private:
  StudioSettings* settings_;
  QList<QAction*> actions_;
  QComboBox* language_;
  QSpinBox* autosave_;
  QCheckBox* batchReplace_;
  QComboBox* previewSize_;  // 0 (off), 480, 640: StudioSettings::previewSize
  QTableWidget* table_;
};

// Read-only list of the rebindable actions and their current shortcuts (Help ▸ Keyboard shortcuts), with a
// filter field. Rebinding is done in the settings.
class KeyboardShortcutsDialog : public QDialog {
  Q_OBJECT
 public:
  KeyboardShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
  QTableWidget* table() const { return table_; }
  QLineEdit* filterEdit() const { return filter_; }

 private:
  QLineEdit* filter_;
  QTableWidget* table_;
};

// Applies the user's shortcuts (settings) or the defaults to the actions.
void applyShortcuts(StudioSettings& settings, const QList<QAction*>& actions);

}  // namespace glip::studio
