#include "pinpanel.h"
#include "replotqueue.h"

#include "sweepfigures.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <qcustomplot.h>

namespace dmftlab
{

PinPanel::PinPanel(std::function<Session()> live, QWidget *parent)
    : QWidget(parent)
    , m_live(std::move(live))
    , m_store(new PinStore(this))
    , m_list(new QListWidget)
    , m_pin(new QPushButton("Pin current run"))
    , m_remove(new QPushButton("Remove"))
    , m_message(new QLabel)
    , m_plot(new QCustomPlot)
{
    m_pin->setToolTip("Keep the current results as a faded reference, named by what differs.");
    m_list->setToolTip("Check to show, double-click to rename.");
    m_list->setMaximumHeight(160);
    m_message->setWordWrap(true);
    m_plot->setMinimumSize(260, 220);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_pin);
    buttons->addWidget(m_remove);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_message);
    layout->addWidget(m_list);
    layout->addWidget(m_plot, 1);
    connect(m_pin, &QPushButton::clicked, this, [this] { pinLive(); });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_store->remove(m_list->currentRow()); });
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        if (m_rebuilding)
            return;
        const int row = m_list->row(item);
        m_store->setVisible(row, item->checkState() == Qt::Checked);
        if (row >= 0 && row < m_store->size() && item->text() != m_store->pins()[row].name)
            m_store->rename(row, item->text());
    });
    connect(m_store, &PinStore::changed, this, [this] {
        rebuildList();
        refresh();
    });
    refresh();
}

QString PinPanel::pinLive()
{
    const Session live = m_live();
    const QString err = m_store->add(live, live.config);
    m_message->setText(err);
    return err;
}

void PinPanel::rebuildList()
{
    m_rebuilding = true;
    m_list->clear();
    for (const Pin &p : m_store->pins()) {
        auto *item = new QListWidgetItem(p.name, m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsEditable);
        item->setCheckState(p.visible ? Qt::Checked : Qt::Unchecked);
    }
    m_remove->setEnabled(m_store->size() > 0);
    m_rebuilding = false;
}

void PinPanel::refresh()
{
    const Session live = m_live();
    m_store->blockSignals(true);
    m_store->relabel(live.config);
    m_store->blockSignals(false);
    if (m_list->count() == m_store->size())
        for (int i = 0; i < m_store->size(); ++i)
            if (m_list->item(i)->text() != m_store->pins()[i].name) {
                rebuildList();
                break;
            }
    std::vector<figures::PinnedCurves> pinned;
    for (const Pin &p : m_store->pins())
        if (p.visible)
            for (const auto &r : p.run.results)
                if (r.curves)
                    pinned.push_back({ p.name, r.curves.get() });
    std::vector<const Curves *> current;
    for (const auto &r : live.results)
        if (r.curves)
            current.push_back(r.curves.get());
    figures::plotPinnedLoss(m_plot, current, pinned, figures::Style {});
    ReplotQueue::request(m_plot); // one plot per turn, none while hidden
}

} // namespace dmftlab
