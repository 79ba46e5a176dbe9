import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_loads_without_browser_problems(page, base_url):
    page.goto(base_url + "/")
    assert page.title()
    assert page.locator("main").count() == 1


def test_a_console_error_is_a_problem(context, page_problems, base_url):
    page = context.new_page()
    page.goto(base_url + "/")
    page.evaluate("console.error('broken')")
    assert page_problems == ["console: broken"]
    page_problems.clear()


def test_inline_script_is_refused_by_the_csp(context, page_problems, base_url):
    page = context.new_page()
    page.goto(base_url + "/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    assert page.evaluate("window.ran") is None
    assert any("CSP" in problem or "Content Security Policy" in problem for problem in page_problems)
    page_problems.clear()
