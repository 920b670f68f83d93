use crate::helpers::spawn_app;

#[tokio::test]
async fn anonymous_visits_to_dashboard_pages_go_to_login_and_remember_the_page() {
    let app = spawn_app().await;

    let root = app.get("/", None).await;
    let deep = app.get("/?type=invoice.paid", None).await;

    assert_eq!(root.status(), 303);
    assert_eq!(root.headers()["location"], "/login?next=%2F");
    assert_eq!(deep.status(), 303);
    assert_eq!(deep.headers()["location"], "/login?next=%2F%3Ftype%3Dinvoice.paid");
    app.stop().await;
}

#[tokio::test]
async fn the_login_page_renders_with_labelled_fields_and_the_bundle() {
    let app = spawn_app().await;

    let response = app.get("/login", None).await;

    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<label for="field-email""#), "{html}");
    assert!(html.contains(r#"<label for="field-password""#));
    assert!(html.contains("/pkg/hookrelay.js"));
    assert!(html.contains("/pkg/hookrelay.wasm"));
    assert!(html.contains("/pkg/hookrelay.css"));
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_path_answers_404_with_the_not_found_page() {
    let app = spawn_app().await;
    let cookie = app.register("lost@example.com").await;

    let response = app.get("/no/such/page", Some(&cookie)).await;

    assert_eq!(response.status(), 404);
    assert!(response.text().await.unwrap().contains("Page not found"));
    app.stop().await;
}

#[tokio::test]
async fn a_signed_in_visit_to_login_goes_to_the_dashboard() {
    let app = spawn_app().await;
    let cookie = app.register("already@example.com").await;

    let response = app.get("/login?next=%2Fsettings", Some(&cookie)).await;

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/settings");
    app.stop().await;
}
