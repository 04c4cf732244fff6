// Asks where and how to export a figure: file (its suffix picks PNG, PDF or SVG), size
// (figure sizes and 16:9 slide sizes), PNG scale factor, slide style, palette and the
// parameter stamp. In slide mode it also asks which panels go on the one page. The
// folder of the last export is remembered (QSettings "export/folder").
#pragma once

#include "exportservice.h"

#include <QDialog>

class QLineEdit;
class QSpinBox;
class QDoubleSpinBox;
class QCheckBox;
class QComboBox;
class QFormLayout;

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
    bool stampWanted() const;
    QStringList formats() const; ///< folder mode: the checked figure formats
    /// Slide mode: offers `titles` as check boxes (the first two checked) and 16:9 sizes.
    void setSlidePanels(const QStringList &titles);
    std::vector<int> chosenPanels() const; ///< slide mode: indices of the checked panels

    /// The remembered export folder (the home folder at first).
    static QString lastFolder();

private:
    QLineEdit *m_path;
    QSpinBox *m_width, *m_height;
    QDoubleSpinBox *m_scale;
    QCheckBox *m_slide, *m_stamp;
    QComboBox *m_size, *m_palette;
    std::vector<QCheckBox *> m_panels;
    QFormLayout *m_form;
    std::vector<QCheckBox *> m_formats;
    bool m_folderMode;
};

} // namespace dmftlab
