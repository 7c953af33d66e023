from rest_framework import serializers

from annotations.api.fields import RoleField
from annotations.models import Membership, Project


class CreateProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    required_verdicts = serializers.IntegerField(min_value=1, max_value=20, required=False, default=2)


class UpdateProjectInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    required_verdicts = serializers.IntegerField(min_value=1, max_value=20, required=False)


class ProjectSerializer(serializers.ModelSerializer):
    role = RoleField(source="my_role", read_only=True, help_text="The caller's role in this project.")

    class Meta:
        model = Project
        fields = ["id", "name", "required_verdicts", "role", "created_at"]
        read_only_fields = fields


class AddMemberInput(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = RoleField()


class ChangeMemberInput(serializers.Serializer):
    role = RoleField()


class MemberSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    role = RoleField(read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "username", "role", "joined_at"]
        read_only_fields = fields
