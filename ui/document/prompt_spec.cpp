#include "ui/document/prompt_spec.h"

#include <QCoreApplication>
#include <QJsonArray>

#include "core/engine/engine.h"

namespace glip::studio {

const PromptLabel* PromptSpec::findLabel(const QString& name) const {
  for (const PromptLabel& l : labels)
    if (l.name == name) return &l;
  return nullptr;
}

QJsonObject PromptSpec::toJson() const {
  QJsonArray ls;
  for (const PromptLabel& l : labels) {
    QJsonArray spans;
    for (const auto& s : l.spans) spans.append(QJsonArray{static_cast<double>(s[0]), static_cast<double>(s[1])});
    ls.append(QJsonObject{{QStringLiteral("name"), l.name}, {QStringLiteral("spans"), spans}});
  }
  return QJsonObject{{QStringLiteral("caption"), caption},
                     {QStringLiteral("detection"), detection},
                     {QStringLiteral("labels"), ls}};
}

bool PromptSpec::fromJson(const QJsonObject& o, PromptSpec* out, QString* error) {
  auto fail = [&](const QString& what) {
    if (error) *error = what;
    return false;
  };
  PromptSpec p;
  const QJsonValue caption = o.value(QStringLiteral("caption"));
  if (!caption.isUndefined() && !caption.isString())
    return fail(QCoreApplication::translate("glip::studio::PromptSpec", "'caption' must be a string"));
  p.caption = caption.toString();
  p.detection = o.value(QStringLiteral("detection")).toBool(false);
  const QJsonValue labels = o.value(QStringLiteral("labels"));
  if (!labels.isUndefined() && !labels.isArray())
    return fail(QCoreApplication::translate("glip::studio::PromptSpec", "'labels' must be an array"));
  const QJsonArray arr = labels.toArray();
  for (int i = 0; i < arr.size(); ++i) {
    const QJsonObject lo = arr[i].toObject();
    if (!arr[i].isObject() || !lo.value(QStringLiteral("name")).isString())
      return fail(QCoreApplication::translate("glip::studio::PromptSpec", "labels[%1] needs a string 'name'").arg(i));
    PromptLabel l;
    l.name = lo.value(QStringLiteral("name")).toString();
    for (const QJsonValue& s : lo.value(QStringLiteral("spans")).toArray()) {
      const QJsonArray pair = s.toArray();
      if (pair.size() != 2 || !pair[0].isDouble() || !pair[1].isDouble())
        return fail(
            QCoreApplication::translate("glip::studio::PromptSpec", "labels[%1]: spans must be [begin, end] pairs")
                .arg(i));
      l.spans.append({static_cast<qint64>(pair[0].toDouble()), static_cast<qint64>(pair[1].toDouble())});
    }
    p.labels.append(l);
  }
  *out = p;
  return true;
}

glip::Prompt PromptSpec::toEngine() const {
  glip::Prompt p;
  p.caption = caption.toStdString();
  p.detection = detection;
  for (const PromptLabel& l : labels) {
    glip::Prompt::Label el;
    el.name = l.name.toStdString();
    for (const auto& s : l.spans) el.spans.push_back({s[0], s[1]});
    p.labels.push_back(std::move(el));
  }
  return p;
}

PromptSpec PromptSpec::fromEngine(const glip::Prompt& p) {
  PromptSpec s;
  s.caption = QString::fromStdString(p.caption);
  s.detection = p.detection;
  for (const auto& l : p.labels) {
    PromptLabel pl;
    pl.name = QString::fromStdString(l.name);
    for (const auto& sp : l.spans) pl.spans.append({sp[0], sp[1]});
    s.labels.append(pl);
  }
  return s;
}

}  // namespace glip::studio
