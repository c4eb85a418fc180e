#include "ui/studio/translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QTranslator>
#include <cstring>

namespace glip::studio {

namespace {
// lupdate (Qt 6.4) does not read C++17 nested namespace definitions (`namespace glip::studio {`), so it files the
// tr() strings of glip::studio::MainWindow under the context "MainWindow", while moc's tr() asks for
// "glip::studio::MainWindow". This translator looks the qualified context up first, then the bare class name.
class StudioTranslator : public QTranslator {
 public:
  using QTranslator::QTranslator;
  QString translate(const char* context, const char* source, const char* disambiguation, int n) const override {
    QString t = QTranslator::translate(context, source, disambiguation, n);
    static constexpr char kPrefix[] = "glip::studio::";
    if (t.isNull() && context && std::strncmp(context, kPrefix, sizeof(kPrefix) - 1) == 0)
      t = QTranslator::translate(context + sizeof(kPrefix) - 1, source, disambiguation, n);
    return t;
  }
};

QList<QPointer<QTranslator>>& installed() {
  static QList<QPointer<QTranslator>> list;
  return list;
}
}  // namespace

QStringList availableLanguages() {
  QStringList out;
  for (const QString& f : QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("glip_studio_*.qm")}))
    out << f.mid(12, f.size() - 12 - 3);
  return out;
}

void removeTranslations(QCoreApplication* app) {
  for (const QPointer<QTranslator>& t : installed())
    if (t) {
      app->removeTranslator(t);
      delete t;
    }
  installed().clear();
}

QString installTranslations(QCoreApplication* app, const QString& language) {
  removeTranslations(app);
  const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
  if (language == QLatin1String("en") || locale.language() == QLocale::English || locale.language() == QLocale::C)
    return {};
  auto* ours = new StudioTranslator(app);
  if (!ours->load(locale, QStringLiteral("glip_studio"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
    delete ours;
    return {};
  }
  app->installTranslator(ours);
  installed() << ours;
  auto* qt = new QTranslator(app);
  if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    app->installTranslator(qt);
    installed() << qt;
  } else {
    delete qt;
  }
  const QString name = QFileInfo(ours->filePath()).baseName().mid(12);
  return name.isEmpty() ? locale.name() : name;
}

}  // namespace glip::studio
