def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b'name="email"' in response.data


def test_user_logs_in_and_sees_home(make, login, client):
    user = make.user(name="Aino Virtanen")
    login(user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Aino" in response.get_data(as_text=True)
