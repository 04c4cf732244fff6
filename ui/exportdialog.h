// Asks where and how to export a figure: file (its suffix picks PNG, PDF or SVG), size,
// PNG scale factor, and the slide style.
#pragma once

#include "exportservice.h"

#include <QDialog>

class QLineEdit;
class QSpinBox;
class QDoubleSpinBox;
class QCheckBox;

namespace dmftlab
{

class ExportDialog : public QDialog
{
    Q_OBJECT
public:
    /// `folderMode`: choose a folder (Export all) instead of a file.
    ExportDialog(const QString &initialPath, bool folderMode, QWidget *parent = nullptr);
    QString path() const;
    FigureSettings settings() const;
    QStringList formats() const; ///< folder mode: the checked figure formats

private:
    QLineEdit *m_path;
    QSpinBox *m_width, *m_height;
    QDoubleSpinBox *m_scale;
    QCheckBox *m_slide;
    std::vector<QCheckBox *> m_formats;
    bool m_folderMode;
};

} // namespace dmftlab
