// PromptSpec — a GLIP prompt as the document layer stores it (Qt value type, no engine link needed): the caption
// and, per label, its character spans (Unicode code points, [begin, end)), as glip::Prompt.
#pragma once
#include <QJsonObject>
#include <QString>
#include <QVector>
#include <array>

namespace glip {
struct Prompt;
}

namespace glip::studio {

struct PromptLabel {
  QString name;                                // verbatim
  QVector<std::array<qint64, 2>> spans;        // code-point spans in the caption
  bool operator==(const PromptLabel& o) const { return name == o.name && spans == o.spans; }
  bool operator!=(const PromptLabel& o) const { return !(*this == o); }
};

struct PromptSpec {
  QString caption;
  QVector<PromptLabel> labels;  // label i is GLIP's label i + 1
  bool detection = false;       // built from a category list (Prompt::categories)

  bool isEmpty() const { return caption.isEmpty() && labels.isEmpty(); }
  const PromptLabel* findLabel(const QString& name) const;
  bool operator==(const PromptSpec& o) const {
    return caption == o.caption && labels == o.labels && detection == o.detection;
  }
  bool operator!=(const PromptSpec& o) const { return !(*this == o); }

  // {"caption": "...", "detection": bool, "labels": [{"name": "...", "spans": [[b, e], ...]}]}
  QJsonObject toJson() const;
  // Throws nothing: returns false and sets *error ("prompt.labels[2]: ...") on a malformed object.
  static bool fromJson(const QJsonObject& o, PromptSpec* out, QString* error);

  glip::Prompt toEngine() const;
  static PromptSpec fromEngine(const glip::Prompt& p);
};

}  // namespace glip::studio
