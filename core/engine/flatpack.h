// Values flattened into one array of doubles and read back in the same order: how results
// cross between MPI ranks (engine/reducer.h) without MPI datatypes. Exact: doubles travel
// as they are (NaN and ±inf included); integers up to 2⁵³ and strings (one char per double)
// are exact too. A reader past the end reads zeros, so a short record never crashes.
#pragma once

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace dmftlab
{

class FlatWriter
{
public:
    void number(double x) { m_data.push_back(x); }
    void text(const std::string &s)
    {
        number(static_cast<double>(s.size()));
        for (char ch : s)
            number(static_cast<unsigned char>(ch));
    }
    void vector(const std::vector<double> &v)
    {
        number(static_cast<double>(v.size()));
        m_data.insert(m_data.end(), v.begin(), v.end());
    }
    void matrix(const Eigen::MatrixXd &m)
    {
        number(static_cast<double>(m.rows()));
        number(static_cast<double>(m.cols()));
        m_data.insert(m_data.end(), m.data(), m.data() + m.size());
    }
    std::vector<double> &data() { return m_data; }

private:
    std::vector<double> m_data;
};

class FlatReader
{
public:
    explicit FlatReader(const std::vector<double> &data)
        : m_data(data)
    {
    }
    bool atEnd() const { return m_at >= m_data.size(); }
    double number() { return m_at < m_data.size() ? m_data[m_at++] : 0.0; }
    int integer() { return static_cast<int>(number()); }
    std::string text()
    {
        const auto n = static_cast<std::size_t>(number());
        std::string s;
        for (std::size_t i = 0; i < n && !atEnd(); ++i)
            s.push_back(static_cast<char>(static_cast<unsigned char>(number())));
        return s;
    }
    std::vector<double> vector()
    {
        const auto n = static_cast<std::size_t>(number());
        std::vector<double> v;
        for (std::size_t i = 0; i < n && !atEnd(); ++i)
            v.push_back(number());
        return v;
    }
    Eigen::MatrixXd matrix()
    {
        const auto rows = static_cast<Eigen::Index>(number()), cols = static_cast<Eigen::Index>(number());
        Eigen::MatrixXd m = Eigen::MatrixXd::Zero(rows, cols);
        for (Eigen::Index i = 0; i < m.size() && !atEnd(); ++i)
            m.data()[i] = number();
        return m;
    }

private:
    const std::vector<double> &m_data;
    std::size_t m_at = 0;
};

} // namespace dmftlab
