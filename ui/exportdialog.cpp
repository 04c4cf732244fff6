#include "exportdialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace dmftlab
{

ExportDialog::ExportDialog(const QString &initialPath, bool folderMode, QWidget *parent)
    : QDialog(parent)
    , m_folderMode(folderMode)
{
    setWindowTitle(folderMode ? "Export all figures" : "Export figure");
    auto *form = new QFormLayout(this);
    m_path = new QLineEdit(initialPath);
    auto *browse = new QPushButton("Browse…");
    auto *row = new QHBoxLayout;
    row->addWidget(m_path, 1);
    row->addWidget(browse);
    form->addRow(folderMode ? "Folder" : "File (.png, .pdf, .svg)", row);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString p = m_folderMode
            ? QFileDialog::getExistingDirectory(this, "Export folder", m_path->text())
            : QFileDialog::getSaveFileName(
                this, "Export figure", m_path->text(), "PNG image (*.png);;PDF (*.pdf);;SVG (*.svg)");
        if (!p.isEmpty())
            m_path->setText(p);
    });
    QSettings settings;
    m_width = new QSpinBox;
    m_width->setRange(100, 10000);
    m_width->setValue(settings.value("export/width", 1200).toInt());
    m_height = new QSpinBox;
    m_height->setRange(100, 10000);
    m_height->setValue(settings.value("export/height", 800).toInt());
    m_scale = new QDoubleSpinBox;
    m_scale->setRange(0.25, 8.0);
    m_scale->setSingleStep(0.5);
    m_scale->setValue(settings.value("export/scale", 2.0).toDouble());
    m_scale->setToolTip("PNG pixels = size × scale (vector formats ignore it).");
    m_slide = new QCheckBox("Slide style (larger fonts, thicker lines)");
    m_slide->setChecked(settings.value("export/slide", false).toBool());
    form->addRow("Width", m_width);
    form->addRow("Height", m_height);
    form->addRow("PNG scale", m_scale);
    form->addRow(m_slide);
    if (folderMode) {
        auto *formats = new QHBoxLayout;
        for (const QString &f : ExportService::figureFormats()) {
            auto *box = new QCheckBox(f.toUpper());
            box->setProperty("format", f);
            box->setChecked(f != "svg");
            formats->addWidget(box);
            m_formats.push_back(box);
        }
        form->addRow("Formats", formats);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QSettings s;
        s.setValue("export/width", m_width->value());
        s.setValue("export/height", m_height->value());
        s.setValue("export/scale", m_scale->value());
        s.setValue("export/slide", m_slide->isChecked());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QString ExportDialog::path() const
{
    return m_path->text().trimmed();
}

FigureSettings ExportDialog::settings() const
{
    return { m_width->value(), m_height->value(), m_scale->value(), m_slide->isChecked() };
}

QStringList ExportDialog::formats() const
{
    QStringList out;
    for (QCheckBox *b : m_formats)
        if (b->isChecked())
            out << b->property("format").toString();
    return out;
}

} // namespace dmftlab
