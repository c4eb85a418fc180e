// The English-left-behind check shared by the translation tests: the Latin words of a visible string that are not
// allowed (proper nouns, formats, key names, GLIP's English example labels and the inspector's technical terms may
// stay), and a walk that collects every visible text of a widget tree: titles, labels, buttons, tooltips,
// placeholders, menu titles, combo items, tree/table/list headers and actions.
#pragma once
#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTextDocument>
#include <QToolBar>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoView>

namespace english_walk {

inline const QStringList& allowedWords() {
  static const QStringList k{"GLIP", "COCO", "CUDA", "GPU", "CPU", "YAML", "JSON", "PyTorch", "Studio", "GLIP-T",
                             "libtorch", "Swin", "Swin-T", "BERT", "Hugging", "Face", "English", "UNK", "Ctrl", "Shift", "Alt", "Del", "Return",
                             "Esc", "Space", "person", "bicycle", "traffic", "light", "a", "cat", "sitting", "on",
                             "red", "sofa", "MODEL", "WEIGHT", "pth", "pt", "yaml", "yml", "json", "glipstudio",
                             "png", "jpg", "jpeg", "bmp", "tif", "tiff", "webp", "s", "x", "y",
                             // technical terms of the inspector, kept as in the GLIP paper
                             "IoU", "FPN", "NMS", "k", "top-k", "logit", "sigmoid", "sqrt", "dyhead",
                             // number formats and CPU features (bf16, fp32, bfloat16, AVX512-BF16, AMX)
                             "bf", "fp", "bfloat", "AVX", "BF", "AMX",
                             // model names and units of the released-models list (GLIP-L, 46.7 AP, 3.7 GB, 12 MB/s)
                             "GLIP-L", "AP", "GB", "MB", "kB"};
  return k;
}

inline QString plain(QString s) {
  if (Qt::mightBeRichText(s)) {
    QTextDocument d;
    d.setHtml(s);
    s = d.toPlainText();
  }
  s.remove(QLatin1Char('&'));
  return s;
}

// The Latin words of a visible string that are not allowed (file names and paths are skipped).
inline QStringList englishWords(const QString& text) {
  QStringList bad;
  for (const QString& token : plain(text).split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts)) {
    if (token.contains(QLatin1Char('/')) || token.contains(QLatin1Char('_')) || token.contains(QLatin1Char('.')) ||
        token.contains(QLatin1Char('*')))
      continue;  // a path, file name or pattern
    static const QRegularExpression word(QStringLiteral("[A-Za-z]+(-[A-Za-z]+)?"));
    for (auto it = word.globalMatch(token); it.hasNext();) {
      const QString w = it.next().captured(0);
      if (!allowedWords().contains(w) && !(w.size() == 1 && w[0].isUpper())) bad << w;  // single letters: key names
    }
  }
  return bad;
}

struct Visible {
  QString where, text;
};

inline void collect(QWidget* root, QList<Visible>& out) {
  auto add = [&](QObject* o, const char* what, const QString& t) {
    if (!t.trimmed().isEmpty()) out.push_back({QStringLiteral("%1 %2.%3").arg(o->metaObject()->className(), o->objectName(), what), t});
  };
  QList<QWidget*> widgets = root->findChildren<QWidget*>();
  widgets.prepend(root);
  for (QWidget* w : widgets) {
    if (w->objectName() == QLatin1String("tokenChips") || w->objectName() == QLatin1String("promptLabels")) continue;  // user text
    add(w, "toolTip", w->toolTip());
    if (w->isWindow() || qobject_cast<QDockWidget*>(w) || qobject_cast<QToolBar*>(w)) add(w, "windowTitle", w->windowTitle());
    if (auto* l = qobject_cast<QLabel*>(w)) add(w, "text", l->text());
    if (auto* b = qobject_cast<QAbstractButton*>(w)) add(w, "text", b->text());
    if (auto* g = qobject_cast<QGroupBox*>(w)) add(w, "title", g->title());
    if (auto* e = qobject_cast<QLineEdit*>(w)) add(w, "placeholder", e->placeholderText());
    if (auto* e = qobject_cast<QPlainTextEdit*>(w)) add(w, "placeholder", e->placeholderText());
    if (auto* m = qobject_cast<QMenu*>(w)) add(w, "title", m->title());
    if (auto* c = qobject_cast<QComboBox*>(w); c && !c->isEditable())
      for (int i = 0; i < c->count(); ++i) add(w, "item", c->itemText(i));
    if (auto* t = qobject_cast<QTreeWidget*>(w)) {
      for (int i = 0; i < t->columnCount(); ++i) add(w, "header", t->headerItem()->text(i));
    } else if (auto* t = qobject_cast<QTreeView*>(w); t && t->model() && !t->isHeaderHidden()) {
      for (int i = 0; i < t->model()->columnCount(); ++i)
        if (!t->header()->isSectionHidden(i)) add(w, "header", t->model()->headerData(i, Qt::Horizontal).toString());
    }
    if (auto* t = qobject_cast<QTableWidget*>(w)) {
      for (int i = 0; i < t->columnCount(); ++i) add(w, "header", t->horizontalHeaderItem(i)->text());
      for (int r = 0; r < t->rowCount(); ++r)
        if (t->item(r, 0)) add(w, "cell", t->item(r, 0)->text());
    }
    if (auto* v = qobject_cast<QUndoView*>(w)) {
      add(w, "emptyLabel", v->emptyLabel());
      for (int r = 0; r < v->model()->rowCount(); ++r) add(w, "row", v->model()->index(r, 0).data().toString());
    }
    for (QAction* a : w->actions()) {
      add(a, "text", a->text());
      add(a, "toolTip", a->toolTip() == QString(a->text()).remove(QLatin1Char('&')) ? QString() : a->toolTip());
    }
  }
}

// "where: “text” (words)" for every visible string with English left in it.
inline QStringList failures(const QList<Visible>& seen) {
  QStringList out;
  for (const Visible& v : seen) {
    const QStringList bad = englishWords(v.text);
    if (!bad.isEmpty()) out << QStringLiteral("%1: “%2” (%3)").arg(v.where, v.text, bad.join(", "));
  }
  out.removeDuplicates();
  return out;
}

}  // namespace english_walk
